package notify

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"notify.inbox":                     {"收件箱", "Inbox"},
		"notify.message":                   {"消息", "Message"},
		"notify.new":                       {"未读", "new"},
		"notify.none":                      {"收件箱里还没有消息。", "There are no messages in your inbox yet."},
		"notify.not_found":                 {"找不到该消息，或它不是发给您的。", "That message does not exist, or it was not sent to you."},
		"notify.back":                      {"返回收件箱", "Back to the inbox"},
		"notify.open.request":              {"查看诉求", "Open the request"},
		"notify.open.visit":                {"查看走访", "Open the visit"},
		"notify.open.activity":             {"查看活动", "Open the activity"},
		"notify.open.certificate":          {"查看证明", "Open the certificate"},
		"notify.open.certificate_request":  {"查看证明申请", "Open the certificate request"},
		"notify.open.proxy_case":           {"查看代办件", "Open the proxy case"},
		"notify.open.rating":               {"查看评价", "Open the rating"},
		"notify.open.volunteer_correction": {"查看志愿时长", "Open the service hours"},
		"notify.open.delib_topic":          {"查看议题", "Open the topic"},
		"notify.open.delib_decision":       {"查看决议", "Open the decision"},
		"notify.open.":                     {"查看", "Open"},
	})
}
