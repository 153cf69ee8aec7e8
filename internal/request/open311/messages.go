package open311

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"field.address_id":               {"社区区划代码(address_id)", "address_id (the community's division code)"},
		"field.service_code":             {"服务类别(service_code)", "service_code"},
		"field.long":                     {"经度", "longitude"},
		"field.address_string":           {"地址(address_string)", "address_string"},
		"field.service_request_id":       {"诉求编号(service_request_id)", "service_request_id"},
		"field.start_date":               {"开始时间(start_date)", "start_date"},
		"field.end_date":                 {"结束时间(end_date)", "end_date"},
		"request.open311.api_key":        {"api_key 无效或缺失，无法继续。", "Invalid or missing api_key: cannot proceed."},
		"request.open311.address_id":     {"必填：问题所在社区的 12 位区划代码", "is required: the 12-digit division code of the community where the problem is"},
		"request.open311.bad_date":       {"应为 W3C 日期时间，如 2010-05-24T00:00:00Z", "must be a W3C datetime such as 2010-05-24T00:00:00Z"},
		"request.open311.too_many_ids":   {"一次最多 %d 个", "at most %d at once"},
		"request.open311.too_many_codes": {"一次最多 100 个", "at most 100 at once"},
		"request.open311.notice":         {"已受理，办结时限 %s。", "Received; to be resolved by %s."},
	})
}
