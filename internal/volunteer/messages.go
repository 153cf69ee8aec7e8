package volunteer

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"volunteer.not_found":           {"找不到志愿者 %d，或其不在您的辖区内。", "Volunteer %d does not exist or is outside your area."},
		"volunteer.not_registered":      {"您还没有注册为志愿者。", "You have not registered as a volunteer yet."},
		"volunteer.already_registered":  {"该账号已注册为志愿者。", "This account is already registered as a volunteer."},
		"volunteer.id_registered":       {"该身份证号码已注册为志愿者", "is already registered as a volunteer"},
		"volunteer.user_not_resident":   {"不是居民账号", "is not a resident's account"},
		"volunteer.identity_fixed":      {"姓名和身份证号码注册后不能修改", "the name and ID number cannot be changed after registration"},
		"volunteer.community_not_found": {"“%s”不是您辖区内的村(社区)", "%q is not a village or community in your area"},
		"volunteer.division_not_found":  {"“%s”不是您辖区内的区划", "%q is not a division in your area"},
		"volunteer.code_format":         {"应为 12 位区划代码", "must be a 12-digit division code"},
		"volunteer.org_not_found":       {"找不到志愿服务组织 %d，或您无权管理。", "Organisation %d does not exist or you may not manage it."},
		"volunteer.org_exists":          {"该区划下已有同名组织", "an organisation of that name already exists there"},
		"volunteer.stars_five":          {"应为 5 个正整数小时数，用逗号分隔", "must be five whole numbers of hours, separated by commas"},
		"volunteer.stars_ascending":     {"应逐级递增", "must increase from one level to the next"},
		"volunteer.starts_past":         {"不能早于昨天", "must not be before yesterday"},
		"volunteer.ends_before_start":   {"应晚于开始时间", "must be after the start"},
		"volunteer.too_long_activity":   {"一次活动不能超过 24 小时", "an activity may last at most 24 hours"},
		"volunteer.slots_range":         {"应为 1 到 %d 之间的整数", "must be a whole number from 1 to %d"},
		"field.real_name":               {"姓名", "real name"},
		"field.skills":                  {"技能特长", "skills"},
		"field.availability":            {"可服务时间", "availability"},
		"field.service_areas":           {"服务意向", "service areas"},
		"field.user_id":                 {"居民账号", "resident account"},
		"field.star_hours":              {"星级时长", "star level hours"},
		"field.org_id":                  {"组织单位", "organisation"},
		"field.title":                   {"标题", "title"},
		"field.content":                 {"内容", "content"},
		"field.target":                  {"服务对象", "service target"},
		"field.place":                   {"地点", "place"},
		"field.starts_at":               {"开始时间", "start"},
		"field.ends_at":                 {"结束时间", "end"},
		"field.slots":                   {"招募人数", "places"},
	})
}
