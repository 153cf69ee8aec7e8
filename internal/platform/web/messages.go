package web

import (
	"embed"

	"shequ/internal/platform/i18n"
)

//go:embed pages/*.html
var pagesFS embed.FS

func init() {
	i18n.Register(map[string]i18n.Msg{
		"app.name":                {"城乡社区服务平台", "Community Services Platform"},
		"layout.skip":             {"跳到正文", "Skip to content"},
		"layout.demo_banner":      {"这是演示系统：数据为合成数据，请勿录入真实个人信息。", "This is a demo: the data is synthetic; do not enter real personal information."},
		"layout.demo_account":     {"演示账号：已跳过首次登录强制改密和双因素认证绑定；正式系统中不可跳过。", "Demo account: the forced password change and two-factor enrolment are skipped; a production system enforces them."},
		"layout.elderly_on":       {"大字模式", "Large text"},
		"layout.elderly_off":      {"标准模式", "Standard text"},
		"layout.logout":           {"退出", "Sign out"},
		"layout.inbox":            {"收件箱", "Inbox"},
		"layout.unread":           {"%d 条未读", "%d unread"},
		"layout.nav":              {"主导航", "Main navigation"},
		"layout.group.overview":   {"概览", "Overview"},
		"layout.group.registries": {"台账", "Registries"},
		"layout.group.requests":   {"接诉即办", "Requests"},
		"layout.group.care":       {"关爱探访", "Visits"},
		"layout.group.volunteers": {"志愿服务", "Volunteering"},
		"layout.group.admin":      {"系统", "System"},
		"layout.footer":           {"时间以北京时间显示", "Times are shown in China Standard Time"},
		"layout.pages":            {"分页", "Pages"},
		"layout.prev":             {"上一页", "Previous"},
		"layout.next":             {"下一页", "Next"},
		"layout.page_n":           {"第 %d 页", "Page %d"},
		"layout.search":           {"搜索", "Search"},
		"layout.save":             {"保存", "Save"},
		"layout.cancel":           {"取消", "Cancel"},
		"layout.export":           {"导出 Excel", "Export to Excel"},
		"layout.yes":              {"是", "Yes"},
		"layout.no":               {"否", "No"},
		"layout.none":             {"无", "None"},
		"layout.saved":            {"已保存。", "Saved."},
		"role.resident":           {"居民", "Resident"},
		"role.grid_worker":        {"网格员", "Grid worker"},
		"role.community_worker":   {"社区工作者", "Community worker"},
		"role.township_staff":     {"乡镇(街道)工作人员", "Township staff"},
		"role.county_staff":       {"县(市、区)民政工作人员", "County staff"},
		"role.city_staff":         {"市民政工作人员", "City staff"},
		"role.handling_unit":      {"承办单位", "Handling unit"},
		"role.auditor":            {"审计员", "Auditor"},
		"role.admin":              {"系统管理员", "System administrator"},
		"role.system":             {"系统", "System"},
		"auth.password_policy":    {"密码至少 10 位，且包含小写字母、大写字母、数字、符号中的至少三类", "must be at least 10 characters with at least three of: lower case, upper case, digits, symbols"},
		"error.too_large":         {"提交的内容过大。", "What was sent is too large."},
		"auth.session_expired":    {"登录已过期，请重新登录。", "Your session has expired; please sign in again."},
	})
}

func init() {
	i18n.Register(map[string]i18n.Msg{
		"home.title":        {"首页", "Home"},
		"home.welcome":      {"欢迎，%s", "Welcome, %s"},
		"home.nothing":      {"您的角色暂无可用的功能。", "There is nothing here for your role yet."},
		"home.queue":        {"我的待办", "My work"},
		"home.queue_empty":  {"暂无。", "Nothing waiting."},
		"home.all_services": {"全部功能", "All services"},
	})
}
