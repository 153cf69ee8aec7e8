package burden

import (
	"context"
	"strings"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
)

// seedItem is an item of the demo's lists; a work item names its
// department by the end of the unit's name.
type seedItem struct {
	list, name, basis, unit, kind, funding, conditions string
}

// seedList is a county's lists as the demo shows them: a few typical items
// of each, with their bases.
var seedList = []seedItem{
	{ListWork, "城镇老旧小区改造居民意见征集", "《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》", "住房和城乡建设局", KindAssist, "纳入改造项目前期经费，每户 10 元", "部门提供调查表、培训和汇总表"},
	{ListWork, "物业服务矛盾纠纷协调", "《物业管理条例》第二十条", "住房和城乡建设局", KindAssist, "纳入政府购买服务", "部门派员参加协调会"},
	{ListWork, "背街小巷环境卫生巡查", "《城市市容和环境卫生管理条例》", "城市管理局", KindAssist, "每社区每年 2 万元巡查经费", "部门配备巡查终端"},
	{ListWork, "违法建设线索报告", "《中华人民共和国城乡规划法》第六十四条", "城市管理局", KindDuty, "", ""},
	{ListWork, "召集居民会议、居民代表会议", "《中华人民共和国城市居民委员会组织法》第十条", "", KindAutonomy, "", ""},
	{ListProof, "居住证明", "《居住证暂行条例》第九条", "", "", "", ""},
	{ListProof, "家庭经济状况证明（社会救助申请用）", "《社会救助暂行办法》第十一条", "", "", "", ""},
	{ListSeal, "出具经核实的证明事项清单内证明", "《中华人民共和国城市居民委员会组织法》", "", "", "", ""},
	{ListSeal, "居民委员会对外公文、公示", "《中华人民共和国城市居民委员会组织法》", "", "", "", ""},
}

// Seed puts the demo's lists on a county's lists, naming each work item's
// department among the units of the county; in one transaction with one
// audit record. Only the system seeds. Errors: EFORBIDDEN.
func (s *Service) Seed(ctx context.Context, county string) (int, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return 0, err
	}
	units, err := s.Units.Units(ctx, county)
	if err != nil {
		return 0, err
	}
	now := s.now()
	n := 0
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		for _, x := range seedList {
			it := BurdenItem{List: x.list, DivisionCode: county, Name: x.name, Basis: x.basis, Kind: x.kind, Funding: x.funding,
				Conditions: x.conditions, CreatedAt: now, CreatedBy: p.Name}
			for _, u := range units {
				if x.unit != "" && strings.HasSuffix(u.Name, x.unit) && u.DivisionCode == county {
					it.UnitID, it.UnitName = u.ID, u.Name
				}
			}
			if bad := it.validate(); len(bad) > 0 {
				continue // the county has no such department
			}
			if err := s.Store.insertItem(ctx, &it); err != nil {
				return err
			}
			n++
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.item.import", ObjectType: "burden_item", ObjectID: county, Result: audit.OK,
			Detail: map[string]int{"items": n}})
	})
	return n, err
}
