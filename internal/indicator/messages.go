package indicator

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"indicator.not_found":             {"指标 %s 不存在", "There is no indicator %s"},
		"indicator.year_range":            {"年份应在 %d 至 %d 之间", "must be between %d and %d"},
		"indicator.target_range":          {"目标值应为不小于 0 的数，百分比不超过 100", "must be a number from 0 (at most 100 for a percentage)"},
		"indicator.status.met":            {"已达标", "Met"},
		"indicator.status.on_track":       {"进度正常", "On track"},
		"indicator.status.at_risk":        {"滞后", "At risk"},
		"indicator.status.no_data":        {"无统计对象", "Nothing to count"},
		"indicator.status.awaiting":       {"待接入", "Awaiting data"},
		"indicator.awaiting.facility":     {"等待服务设施台账数据", "awaiting service facility records"},
		"indicator.awaiting.worker":       {"等待社区工作者台账数据", "awaiting community worker records"},
		"indicator.awaiting.organization": {"等待社会组织台账数据", "awaiting social organisation records"},
		"indicator.awaiting.care":         {"等待探访记录", "awaiting visit records"},
		"indicator.awaiting.survey":       {"等待满意度调查数据", "awaiting satisfaction survey records"},
		"indicator.awaiting.proxy":        {"等待政务代办服务数据", "awaiting proxy service records"},
		"indicator.awaiting.division":     {"等待区划与社区概况数据", "awaiting division records"},
		"field.year":                      {"年份", "year"},
		"field.value":                     {"目标值", "target"},
	})
}
