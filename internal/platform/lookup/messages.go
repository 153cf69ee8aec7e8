package lookup

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"lookup.reason_required": {"按身份证号码、电话或地址查找时请填写查找原因", "give the reason for searching by ID number, phone or address"},
		"lookup.reason_numbers":  {"查找原因中不得包含身份证号码或手机号码", "must not contain an ID number or a mobile number"},
		"lookup.id_whole":        {"请输入完整、有效的 18 位身份证号码（不能只输入一部分）", "must be a whole, valid 18-character ID number (not a part of one)"},
		"lookup.mobile_whole":    {"请输入完整的 11 位手机号码（不能只输入一部分）", "must be a whole 11-digit mobile number (not a part of one)"},
		"lookup.phone_whole":     {"请输入完整的 11 位手机号码或带区号的固定电话（不能只输入一部分）", "must be a whole 11-digit mobile number or a landline with its area code (not a part of one)"},
		"lookup.too_many":        {"精确查找过于频繁：每个账号每 %d 分钟最多查找 %d 次，请稍后再试。", "Too many exact searches: in %d minutes an account may make at most %d; please try again later."},
	})
}
