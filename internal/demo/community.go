package demo

import (
	"context"
	"strings"
	"time"

	"shequ/internal/community"
	"shequ/internal/division"
	"shequ/internal/platform/calendar"
)

// countyCatalogue is the catalogue a demo county keeps for all its
// communities: name, what to bring, when, where.
var countyCatalogue = [][4]string{
	{"开具居住证明", "身份证、户口簿或房屋租赁合同", "工作日 08:30-12:00，14:00-18:00", "党群服务中心综合窗口"},
	{"老年人优待证办理", "身份证、一寸照片一张", "工作日 08:30-12:00", "党群服务中心民政窗口"},
	{"城乡居民医保参保登记", "身份证、户口簿", "工作日 08:30-12:00，14:00-18:00", "党群服务中心医保窗口"},
	{"最低生活保障申请受理", "身份证、户口簿、家庭收入情况说明", "工作日 08:30-12:00", "党群服务中心民政窗口"},
	{"残疾人证申领协助", "身份证、二寸照片两张、病历", "每周二、周四上午", "党群服务中心残联专干"},
	{"就业失业登记", "身份证", "工作日 14:00-18:00", "党群服务中心就业服务站"},
}

// SeedCommunityPage gives a community what makes its page worth opening
// in the demo: its county's default catalogue, two services of its own,
// the hall's phone, and three notices shown today. ctx acts as the system.
func SeedCommunityPage(ctx context.Context, s *community.Service, code string) error {
	county := division.ParentOf(division.ParentOf(code, division.Community), division.Township)
	str := func(v string) *string { return &v }
	for _, it := range countyCatalogue {
		if _, err := s.CreateItem(ctx, community.ItemPatch{DivisionCode: str(county), Name: str(it[0]), Materials: str(it[1]),
			ServiceHours: str(it[2]), Place: str(it[3])}); err != nil {
			return err
		}
	}
	for _, it := range [][4]string{
		{"社区食堂助餐登记", "身份证", "每天 10:30-12:30", "社区长者食堂"},
		{"党员组织关系转入", "介绍信", "工作日 08:30-12:00", "党群服务中心党建窗口"},
	} {
		if _, err := s.CreateItem(ctx, community.ItemPatch{DivisionCode: str(code), Name: str(it[0]), Materials: str(it[1]),
			ServiceHours: str(it[2]), Place: str(it[3])}); err != nil {
			return err
		}
	}
	if err := s.SaveHallPhone(ctx, code, "0318-2"+code[len(code)-6:], 0); err != nil {
		return err
	}
	today := time.Now().In(calendar.China)
	day := func(d int) *string { return str(today.AddDate(0, 0, d).Format(community.DateLayout)) }
	for _, n := range []struct{ kind, title, body string }{
		{"announcement", "关于开展秋冬季爱国卫生运动的通知", "本周六上午 9 点在社区广场集合，开展楼道杂物清理，欢迎居民参加。"},
		{"public_notice", "2026 年度城乡居民最低生活保障拟保对象公示", "拟保对象名单张贴于社区公示栏，公示期七天；如有异议，请向社区居委会或街道民政办反映。"},
		{"announcement", "党群服务中心国庆假期开放时间调整", "假期内每天 09:00-12:00 开放，急事请拨打服务大厅电话。"},
	} {
		if _, err := s.CreateNotice(ctx, community.NoticePatch{DivisionCode: str(code), Kind: str(n.kind), Title: str(n.title),
			Body: str(strings.TrimSpace(n.body)), StartsOn: day(-2), EndsOn: day(12)}); err != nil {
			return err
		}
	}
	return nil
}
