package account

import (
	"net/http"
	"net/url"
	"strings"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

// meData is the signed-in user's own account page.
type meData struct {
	User *auth.User
}

func (h *Handlers) me(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	if p.UserID == 0 {
		return errs.Forbidden()
	}
	u, err := h.Users.ByName(r.Context(), p.Name)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "account/me", h.Srv.NewPage(r, "account.me", &meData{User: u}))
	return nil
}

type listData struct {
	Q      string
	Role   string
	Roles  []auth.Role
	Items  []auth.User
	Page   int
	More   bool
	Locked map[string]bool // names of the accounts locked now
}

const perPage = 50

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, ManagerRoles...); err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	role := auth.Role(r.URL.Query().Get("role"))
	if role != "" && !role.Valid() {
		return errs.Invalid(errs.Field("role", "auth.role_unknown"))
	}
	if len([]rune(q)) > 64 {
		return errs.Invalid(errs.Field("q", "error.too_long", 64))
	}
	page := web.PageParam(r.URL.Query())
	if page < 1 {
		page = 1
	}
	items, more, err := h.Users.List(ctx, q, role, page, perPage)
	if err != nil {
		return err
	}
	locked, err := h.Users.LockedNames(ctx)
	if err != nil {
		return err
	}
	d := &listData{Q: q, Role: string(role), Roles: auth.Roles, Items: items, Page: page, More: more, Locked: map[string]bool{}}
	for i := range items {
		d.Locked[items[i].Name] = h.Users.Locked(&items[i]) || locked[items[i].Name]
	}
	h.Srv.Render.Render(w, http.StatusOK, "account/list", h.Srv.NewPage(r, "account.manage", d))
	return nil
}

// formData is the new-account form, with what was typed and what was wrong.
type formData struct {
	Values   map[string]string
	Roles    []auth.Role
	AreaName string
	Errors   map[string]string
	Summary  []string
}

func (h *Handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := auth.Require(ctx, ManagerRoles...)
	if err != nil {
		return err
	}
	d := &formData{Values: map[string]string{"area": p.Area.Code, "generate": "1"}, Roles: ManageableRoles(p), Errors: map[string]string{}}
	d.AreaName, _ = h.Users.AreaName(ctx, p.Area.Code)
	h.Srv.Render.Render(w, http.StatusOK, "account/new", h.Srv.NewPage(r, "account.new", d))
	return nil
}

// areaData is the fragment that names the area typed into the form.
type areaData struct {
	Name  string
	Error string
}

// Fragment makes the renderer write only the "area-name" template.
func (*areaData) Fragment() string { return "area-name" }

func (h *Handlers) areaName(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, ManagerRoles...); err != nil {
		return err
	}
	d := &areaData{}
	name, err := h.Users.AreaName(ctx, strings.TrimSpace(r.URL.Query().Get("area")))
	switch {
	case err == nil:
		d.Name = name
	case errs.Code(err) == errs.EINVALID:
		d.Error = i18n.T(i18n.From(ctx), "auth.area_outside")
	default:
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "account/new", h.Srv.NewPage(r, "account.new", d))
	return nil
}

// createdData shows a new or reset account, with its password once.
type createdData struct {
	User     *auth.User
	Password string
	Reset    bool
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.From(ctx) // the service checks the role, and audits a refusal
	na := AccountInput{
		Name:          strings.TrimSpace(r.PostFormValue("account_name")),
		DisplayName:   r.PostFormValue("display_name"),
		Role:          auth.Role(r.PostFormValue("role")),
		AreaCode:      strings.TrimSpace(r.PostFormValue("area")),
		Generate:      r.PostFormValue("generate") == "1",
		Password:      r.PostFormValue("password"),
		PasswordAgain: r.PostFormValue("password_again"),
	}
	u, pw, err := h.Service.Create(ctx, na)
	if err != nil {
		if errs.Code(err) != errs.EINVALID {
			return err
		}
		lang := i18n.From(ctx)
		d := &formData{Roles: ManageableRoles(p), Errors: map[string]string{}, Summary: fieldSummary(lang, err),
			Values: map[string]string{"account_name": na.Name, "display_name": na.DisplayName, "role": string(na.Role), "area": na.AreaCode}}
		if na.Generate {
			d.Values["generate"] = "1"
		}
		for _, f := range errs.As(err).Fields {
			d.Errors[f.Field] = i18n.T(lang, f.Key, append([]any(nil), f.Args...)...)
		}
		d.AreaName, _ = h.Users.AreaName(ctx, na.AreaCode)
		h.Srv.Render.Render(w, http.StatusUnprocessableEntity, "account/new", h.Srv.NewPage(r, "account.new", d))
		return nil
	}
	h.Srv.Render.Render(w, http.StatusOK, "account/created", h.Srv.NewPage(r, "account.created", &createdData{User: u, Password: pw}))
	return nil
}

// viewData is one account as its manager sees it.
type viewData struct {
	User       *auth.User
	Locked     bool
	TOTPLocked bool // its second step, until User.LockedUntil; else from some address or throttled
	Manage     bool // the caller may change it
}

func (h *Handlers) view(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := auth.Require(ctx, ManagerRoles...)
	if err != nil {
		return err
	}
	u, err := h.Users.ByName(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	locked, err := h.Users.LockedNames(ctx)
	if err != nil {
		return err
	}
	d := &viewData{User: u, TOTPLocked: h.Users.Locked(u), Manage: u.Name != p.Name && auth.MayManage(p, u.Role, u.AreaCode)}
	d.Locked = d.TOTPLocked || locked[u.Name]
	h.Srv.Render.Render(w, http.StatusOK, "account/view", h.Srv.NewPage(r, u.Name, d))
	return nil
}

var actionFlash = map[string]string{
	ActDisable:   "account.disabled_done",
	ActEnable:    "account.enabled_done",
	ActUnlock:    "account.unlocked_done",
	ActResetTOTP: "account.totp_reset_done",
}

func (h *Handlers) act(w http.ResponseWriter, r *http.Request) error {
	action := r.PathValue("action")
	if _, ok := actionFlash[action]; !ok && action != ActResetPassword {
		return errs.NotFound("error.not_found")
	}
	u, pw, err := h.Service.Act(r.Context(), r.PathValue("name"), action)
	if err != nil {
		return err
	}
	if action == ActResetPassword {
		h.Srv.Render.Render(w, http.StatusOK, "account/created", h.Srv.NewPage(r, "account.reset_password", &createdData{User: u, Password: pw, Reset: true}))
		return nil
	}
	return web.FlashRedirect(w, r, actionFlash[action], "/accounts/"+url.PathEscape(u.Name))
}
