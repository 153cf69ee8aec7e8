package auth

import (
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// FourEyes is the rule of every ask/decide pair (an hours correction, a
// certificate request, a request's extension or appeal): whoever asks
// never decides. decider and asker name the party in the same terms: an
// account id, the id of the unit an account acts for, a volunteer id; 0 is
// nobody, and nobody matches nobody. When the only one who could decide
// is the asker (an organisation's only lead), the staff of the area decide.
//
// Errors: EFORBIDDEN (error.own_ask).
func FourEyes(decider, asker int64) error {
	if decider != 0 && decider == asker {
		return errs.E(errs.EFORBIDDEN, "error.own_ask")
	}
	return nil
}

func init() {
	i18n.Register(map[string]i18n.Msg{
		"error.own_ask": {"不能审批自己提出的申请，须由他人（或辖区工作人员）审批。", "You may not decide what you asked for yourself; someone else (or staff of the area) must decide."},
	})
}
