package account

import "shequ/internal/platform/i18n"

func init() {
	i18n.Register(map[string]i18n.Msg{
		"account.login":             {"登录", "Sign in"},
		"account.name":              {"账号", "Account"},
		"account.password_label":    {"密码", "Password"},
		"account.login_help":        {"忘记密码请联系上级管理员重置。连续输错 5 次密码，账号将锁定 30 分钟。", "Forgot your password? Ask your administrator to reset it. Five wrong passwords in a row lock the account for 30 minutes."},
		"account.password":          {"修改密码", "Change password"},
		"account.password_forced":   {"首次登录或密码被重置后，请先设置新密码。", "Please set a new password before you go on (first sign-in or after a reset)."},
		"account.password_changed":  {"密码已修改。", "Your password has been changed."},
		"account.password_mismatch": {"两次输入的新密码不一致", "does not match the new password"},
		"auth.password_policy_help": {"密码至少 10 位，包含小写字母、大写字母、数字、符号中的至少三类。", "At least 10 characters, with at least three of: lower case, upper case, digits, symbols."},
		"auth.bad_credentials":      {"账号或密码不正确。", "The account or password is not correct."},
		"auth.locked":               {"密码错误次数过多，账号已锁定，请 %d 分钟后再试或联系管理员。", "Too many wrong passwords: the account is locked; try again in %d minutes or ask your administrator."},
		"auth.old_password_wrong":   {"原密码不正确", "is not your current password"},
		"auth.password_same":        {"新密码不能与原密码相同", "must differ from the current password"},
		"auth.name_format":          {"账号只能包含字母、数字和 - _ .，最长 64 位", "may contain only letters, digits and - _ . (at most 64)"},
		"auth.name_taken":           {"该账号已存在", "is already taken"},
		"auth.role_unknown":         {"角色不存在", "is not a known role"},
		"auth.area_unknown":         {"辖区代码不存在", "is not a known division code"},
		"auth.area_level":           {"辖区层级与角色不符", "is not at the level this role works at"},
		"auth.user_not_found":       {"找不到账号 %s，或它不在您的辖区内。", "Account %s does not exist or is outside your area."},
		"field.old_password":        {"原密码", "current password"},
		"field.new_password":        {"新密码", "new password"},
		"field.new_password_again":  {"再次输入新密码", "new password again"},
		"field.password":            {"密码", "password"},
		"field.display_name":        {"姓名", "display name"},
		"field.role":                {"角色", "role"},
		"field.area":                {"辖区", "area"},
		"field.lang":                {"语言", "language"},
	})
}
