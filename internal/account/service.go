package account

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// ManagerRoles may open the account management pages; auth.MayManage
// decides, account by account, what each may do there.
var ManagerRoles = []auth.Role{auth.Admin, auth.CityStaff, auth.CountyStaff, auth.TownshipStaff}

// Service manages accounts: every change in one transaction with its
// audit record; every refusal audited on its own.
type Service struct {
	DB    *db.DB
	Users *auth.Users
	Audit *audit.Log
}

// AccountInput is the account management form.
type AccountInput struct {
	Name          string
	DisplayName   string
	Role          auth.Role
	AreaCode      string
	Generate      bool // make a password and show it once
	Password      string
	PasswordAgain string
}

// ManageableRoles are the roles the caller may give to accounts in its own area.
func ManageableRoles(p *auth.Principal) []auth.Role {
	var out []auth.Role
	for _, r := range auth.Roles {
		if auth.MayManage(p, r, p.Area.Code) {
			out = append(out, r)
		}
	}
	return out
}

// Create adds an account that must change its password at first sign-in,
// and returns it with its initial password when it was generated.
// Errors: EINVALID (fields account_name, display_name, role, area,
// password, password_again), EFORBIDDEN (a role the caller may not
// create).
func (s *Service) Create(ctx context.Context, na AccountInput) (*auth.User, string, error) {
	p, err := auth.Require(ctx, ManagerRoles...)
	if err != nil {
		return nil, "", s.refused(ctx, "user.create", na.Name, err)
	}
	var f errs.Fields
	na.DisplayName = strings.TrimSpace(na.DisplayName)
	na.AreaCode = strings.TrimSpace(na.AreaCode)
	if na.DisplayName == "" {
		f.Add("display_name", "error.required")
	} else if utf8.RuneCountInString(na.DisplayName) > 64 {
		f.Add("display_name", "error.too_long", 64)
	}
	if na.AreaCode == "" {
		f.Add("area", "error.required")
	} else if _, err := s.Users.AreaName(ctx, na.AreaCode); err != nil {
		if errs.Code(err) != errs.EINVALID {
			return nil, "", err
		}
		f = append(f, errs.As(err).Fields...)
	}
	if strings.EqualFold(strings.TrimSpace(na.Name), "new") {
		// /accounts/new is the form, so an account of that name could not be opened.
		f.Add("account_name", "account.name_reserved")
	}
	pw := na.Password
	if na.Generate {
		pw = auth.GeneratePassword()
	} else if pw != na.PasswordAgain {
		f.Add("password_again", "account.password_mismatch")
	}
	if len(f) == 0 && na.Role.Valid() && !auth.MayManage(p, na.Role, na.AreaCode) {
		return nil, "", s.refused(ctx, "user.create", na.Name, errs.Forbidden())
	}
	var u *auth.User
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		_, err := s.Users.Create(ctx, auth.UserInput{Name: na.Name, DisplayName: na.DisplayName, Role: na.Role,
			AreaCode: na.AreaCode, Password: pw, MustChangePassword: true})
		if err != nil {
			// Collect the store's field errors with ours, so that the form
			// shows them all at once.
			if e := errs.As(err); e.Code == errs.EINVALID {
				f = append(f, renameName(e.Fields)...)
			} else if len(f) == 0 {
				return err
			}
			// A bad field of ours (an area outside the caller's) explains
			// the store's refusal better than the refusal does.
			return f.Err()
		}
		if err := f.Err(); err != nil {
			return err
		}
		if u, err = s.Users.ByName(ctx, strings.TrimSpace(na.Name)); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: u.Name,
			Detail: map[string]any{"role": u.Role, "area": u.AreaCode, "generated_password": na.Generate}})
	})
	if err == nil {
		err = f.Err()
	}
	if err != nil {
		if errs.Code(err) == errs.EINVALID {
			_ = s.Audit.WriteAlone(ctx, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: na.Name, Result: audit.Failed,
				Detail: map[string]any{"fields": fieldNames(err)}})
			return nil, "", err
		}
		return nil, "", s.refused(ctx, "user.create", na.Name, err)
	}
	if !na.Generate {
		pw = ""
	}
	return u, pw, nil
}

// renameName calls the store's "name" field account_name, as the form does.
func renameName(fs []errs.FieldError) []errs.FieldError {
	out := append([]errs.FieldError(nil), fs...)
	for i := range out {
		if out[i].Field == "name" {
			out[i].Field = "account_name"
		}
	}
	return out
}

func fieldNames(err error) []string {
	var out []string
	for _, f := range errs.As(err).Fields {
		out = append(out, f.Field)
	}
	return out
}

// Actions on an existing account, by the name in their URL.
const (
	ActDisable       = "disable"
	ActEnable        = "enable"
	ActUnlock        = "unlock"
	ActResetPassword = "reset-password"
	ActResetTOTP     = "reset-totp"
)

// Act changes an account and returns it, with the new password for
// ActResetPassword. Errors: ENOTFOUND (no such account in the caller's
// area), EFORBIDDEN (not the caller's to manage, or the caller's own).
func (s *Service) Act(ctx context.Context, name, action string) (*auth.User, string, error) {
	auditAction := "user." + strings.ReplaceAll(action, "-", "_")
	p, err := auth.Require(ctx, ManagerRoles...)
	if err != nil {
		return nil, "", s.refused(ctx, auditAction, name, err)
	}
	if name == p.Name {
		return nil, "", s.refused(ctx, auditAction, name, errs.E(errs.EFORBIDDEN, "account.not_self"))
	}
	var u *auth.User
	pw := ""
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		switch action {
		case ActDisable, ActEnable:
			u, err = s.Users.SetDisabled(ctx, name, action == ActDisable)
		case ActUnlock:
			u, err = s.Users.Unlock(ctx, name)
		case ActResetPassword:
			pw = auth.GeneratePassword()
			u, err = s.Users.ResetPassword(ctx, name, pw)
		case ActResetTOTP:
			u, err = s.Users.ResetTOTP(ctx, name)
		default:
			return errs.NotFound("error.not_found")
		}
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: auditAction, ObjectType: "user", ObjectID: u.Name})
	})
	if err != nil {
		return nil, "", s.refused(ctx, auditAction, name, err)
	}
	return u, pw, nil
}

// ChangePassword changes the caller's own password, ends the account's
// other sessions and rotates the current one (a new id for the same
// sign-in), all in one transaction with its audit record, and returns the
// new session (nil for a caller without one). Errors: EINVALID
// (old_password, new_password), ECONFLICT (changed meanwhile).
func (s *Service) ChangePassword(ctx context.Context, old, new string) (*auth.Session, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	oldHash, newHash, err := s.Users.CheckPasswordChange(ctx, old, new)
	if err != nil {
		return nil, err
	}
	var ses *auth.Session
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Users.SetOwnPassword(ctx, oldHash, newHash); err != nil {
			return err
		}
		if err := s.Users.Sessions.DeleteOthersForUser(ctx, p.UserID, p.Session); err != nil {
			return err
		}
		if p.Session != "" {
			var err error
			if ses, err = s.Users.Sessions.Rotate(ctx, p.Session); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "auth.password.change", ObjectType: "user", ObjectID: p.Name,
			Detail: map[string]any{"other_sessions_ended": true}})
	})
	if err != nil {
		return nil, err
	}
	return ses, nil
}

// refused audits a refusal (after any transaction in ctx ends) and returns err.
func (s *Service) refused(ctx context.Context, action, name string, err error) error {
	var e *errs.Error
	if errors.As(err, &e) && (e.Code == errs.EFORBIDDEN || e.Code == errs.ENOTFOUND || e.Code == errs.EUNAUTHORIZED) {
		_ = s.Audit.WriteAlone(ctx, audit.Entry{Action: action, ObjectType: "user", ObjectID: name, Result: audit.Denied,
			Detail: map[string]string{"reason": e.Key}})
	}
	return err
}
