package stats

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"request.stats.nav":               {"三率排名", "Request rates"},
		"request.stats.title":             {"接诉即办“三率”", "Request handling rates"},
		"request.stats.how":               {"响应率=按时响应/应响应；解决率=按时办结/应办结；满意率=(满意+0.9×基本满意)/有效回访；综合得分权重 %d/%d/%d。申诉核减的诉求不计。", "Response rate = responded on time / due a response; resolution rate = resolved on time / due resolution; satisfaction rate = (satisfied + 0.9 × basically satisfied) / valid callbacks; composite weights %d/%d/%d. Requests excluded on appeal are not counted."},
		"request.stats.export":            {"导出 Excel", "Export to Excel"},
		"request.stats.rank":              {"排名", "Rank"},
		"request.stats.rank_rule":         {"排名只计当月诉求不少于 %d 件的地区和单位，不足的只列数字、不排名（—）。", "Only divisions and units with at least %d requests in the month are ranked; the others show their rates without a rank (—)."},
		"request.stats.name":              {"名称", "Name"},
		"request.stats.total":             {"诉求数", "Requests"},
		"request.stats.response_rate":     {"响应率", "Response rate"},
		"request.stats.resolution_rate":   {"解决率", "Resolution rate"},
		"request.stats.satisfaction_rate": {"满意率", "Satisfaction rate"},
		"request.stats.composite":         {"综合得分", "Composite"},
		"request.stats.units":             {"承办单位排名", "Handling units"},
		"request.stats.no_units":          {"本月还没有派给承办单位的诉求。", "No requests were dispatched to a handling unit this month."},
		"request.stats.trend":             {"近12个月综合得分", "Composite, last 12 months"},
		"request.stats.file":              {"三率", "request-rates"},
		"request.stats.scope_total":       {"合计", "Total"},
		"request.stats.scope_division":    {"区划", "Division"},
		"request.stats.scope_unit":        {"承办单位", "Handling unit"},
	})
}
