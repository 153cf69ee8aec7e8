package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type     string         `json:"type,omitempty"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Code     string         `json:"code"`
	Instance string         `json:"instance,omitempty"`
	Errors   []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one bad field of a problem.
type ProblemField struct {
	Row      int    `json:"row,omitempty"`
	Location string `json:"location"`
	Message  string `json:"message"`
}

// ProblemOf builds the problem document of err in lang.
func ProblemOf(lang string, err error, instance string) *Problem {
	e := errs.As(err)
	status := errs.Status(e)
	p := &Problem{Title: http.StatusText(status), Status: status, Detail: i18n.ErrorMessage(lang, e), Code: e.Code, Instance: instance}
	for _, f := range e.Fields {
		p.Errors = append(p.Errors, ProblemField{Row: f.Row, Location: f.Field, Message: i18n.FieldMessage(lang, f)})
	}
	return p
}

func logInternal(ctx context.Context, err error) {
	slog.ErrorContext(ctx, "internal error", "err", err)
}

// logIfInternal logs internal errors with their detail; others are the user's.
func logIfInternal(r *http.Request, err error) {
	if errs.Code(err) == errs.EINTERNAL {
		slog.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// WriteProblem answers with problem JSON.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	logIfInternal(r, err)
	p := ProblemOf(i18n.From(r.Context()), err, r.URL.Path)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// ErrorData is what the error page shows.
type ErrorData struct {
	Status  int
	Message string
	Fields  []string
}

// Error renders err as an error page in the user's language, or as problem
// JSON for the API.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	if isTooLarge(err) {
		err = TooLarge()
	}
	if IsAPI(r) {
		WriteProblem(w, r, err)
		return
	}
	logIfInternal(r, err)
	lang := i18n.From(r.Context())
	e := errs.As(err)
	status := errs.Status(e)
	if status == http.StatusUnauthorized {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	data := &ErrorData{Status: status, Message: i18n.ErrorMessage(lang, e)}
	for _, f := range e.Fields {
		data.Fields = append(data.Fields, i18n.FieldMessage(lang, f))
	}
	s.Render.Render(w, status, "web/error", s.NewPage(r, "error.title", data))
}

func init() {
	i18n.Register(map[string]i18n.Msg{
		"error.title":  {"出错了", "Something is wrong"},
		"error.back":   {"返回上一页", "Go back"},
		"error.home":   {"回到首页", "Home"},
		"error.status": {"错误代码 %d", "Error %d"},
	})
}

// Explain turns a validation error into what a form shows: a summary (the
// error, then each bad field with its row) and, by field name, the message
// to put beside that field (the first one when a field failed twice).
func Explain(lang string, err error) (summary []string, byField map[string]string) {
	e := errs.As(err)
	summary = []string{i18n.ErrorMessage(lang, e)}
	byField = map[string]string{}
	for _, fe := range e.Fields {
		if _, ok := byField[fe.Field]; !ok {
			byField[fe.Field] = i18n.T(lang, fe.Key, fe.Args...)
		}
		summary = append(summary, i18n.FieldMessage(lang, fe))
	}
	return summary, byField
}

// ShowRefusal is how a list page answers a search its service refused
// (EINVALID: a bad filter): the reasons are added to summary and the
// status becomes the refusal's, so that the page shows its form again
// with them. Any other error is returned; nil leaves both as they are.
func ShowRefusal(ctx context.Context, err error, summary []string, status int) ([]string, int, error) {
	if errs.Code(err) != errs.EINVALID {
		return summary, status, err
	}
	s, _ := Explain(i18n.From(ctx), err)
	return append(summary, s...), errs.Status(err), nil
}
