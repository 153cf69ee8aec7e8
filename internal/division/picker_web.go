package division

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

// fieldName is what a picker's field may be called (it names form fields
// and element ids).
var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// PickerStep reports whether a form was submitted by one of the picker's
// own buttons (find, browse) rather than to be saved: its handler then
// shows the form again with the picker's new state.
func PickerStep(r *http.Request, field string) bool {
	_, find := r.Form[field+"_find"]
	_, browse := r.Form[field+"_browse"]
	return find || browse
}

// FormPicker reads a picker's state from a submitted form or query: the
// chosen code (field), the search (field_q) and the division walked into
// (field_browse). def is chosen when the form has none yet (the account's
// own community, say).
func (s *Service) FormPicker(r *http.Request, field, label, def string) (*Picker, error) {
	_ = r.ParseForm()
	chosen := strings.TrimSpace(r.Form.Get(field))
	if _, ok := r.Form[field]; !ok {
		chosen = def
	}
	p := &Picker{Field: field, Label: label}
	err := s.Pick(r.Context(), p, chosen, r.Form.Get(field+"_q"), r.Form.Get(field+"_browse"))
	return p, err
}

type pickData struct {
	Picker *Picker
	Action string
	frag   bool
}

func (d *pickData) Fragment() string {
	if d.frag {
		return "pick-fragment"
	}
	return ""
}

// pick answers the picker's htmx requests with its results, and shows a
// picker on a page of its own otherwise (a place to try it).
func (h *Web) pick(w http.ResponseWriter, r *http.Request) error {
	field := r.URL.Query().Get("picker_field")
	if !fieldName.MatchString(field) {
		field = "community"
	}
	action := r.URL.Query().Get("picker_action")
	if !strings.HasPrefix(action, "/") || strings.HasPrefix(action, "//") || strings.HasPrefix(action, "/\\") {
		action = "/divisions/pick"
	}
	p, err := h.S.FormPicker(r, field, "picker.legend", "")
	if err != nil {
		return err
	}
	d := &pickData{Picker: p, Action: action, frag: r.Header.Get("HX-Request") == "true"}
	h.Srv.Render.Render(w, http.StatusOK, "division/pick", h.Srv.NewPage(r, "picker.legend", d))
	return nil
}

type pickInput struct {
	Q      string `query:"q" doc:"part of a community's name, e.g. 游园" maxLength:"50"`
	Parent string `query:"parent" doc:"list the divisions under this 12-digit code instead (empty with no q: the top of the tree)"`
}

type pickOutput struct {
	Body struct {
		Items []Option `json:"items"`
		Trail []Option `json:"trail" doc:"with parent: the path from the top down to it"`
		More  bool     `json:"more" doc:"whether more communities match than the 20 shown"`
	}
}

// RegisterPicker adds the picker's public routes: its htmx fragment and
// its JSON search (both open to anyone, for the sign-up page).
func (s *Service) RegisterPicker(srv *web.Server, api huma.API) {
	h := &Web{&web.Pages[Service]{S: s, Srv: srv}}
	srv.Public("GET /divisions/pick", h.pick)
	huma.Register(api, huma.Operation{OperationID: "pick-division", Method: http.MethodGet, Path: "/api/v1/divisions/search",
		Summary:     "Find a community by name, or walk the tree (public)",
		Description: "With `q`: up to 20 communities whose name contains it, each with its full path. With `parent`: the divisions under it. With neither: the top of the tree. Open to anyone: division names and codes are public.",
		Security:    []map[string][]string{}, Tags: []string{"divisions"}},
		func(ctx context.Context, in *pickInput) (*pickOutput, error) {
			out := &pickOutput{}
			var err error
			if strings.TrimSpace(in.Q) != "" {
				out.Body.Items, out.Body.More, err = s.PickSearch(ctx, in.Q)
			} else {
				out.Body.Trail, out.Body.Items, err = s.PickChildren(ctx, in.Parent)
			}
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			if out.Body.Items == nil {
				out.Body.Items = []Option{}
			}
			if out.Body.Trail == nil {
				out.Body.Trail = []Option{}
			}
			return out, nil
		})
}
