package idcard

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		ErrShape:        {"身份证号码应为 18 位，前 17 位为数字，末位为数字或 X", "must be 18 characters: 17 digits and a digit or X"},
		ErrBirth:        {"身份证号码中的出生日期不是有效日期", "holds a birth date that is not a real date"},
		ErrChecksum:     {"身份证号码校验位不正确，请核对", "has a wrong check character; please check the number"},
		"idcard.mobile": {"应为 11 位手机号码", "must be an 11-digit mobile number"},
	})
}
