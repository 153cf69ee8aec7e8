package web

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// ProblemError is a Problem that huma writes as the response.
type ProblemError struct{ *Problem }

// Error implements error.
func (p *ProblemError) Error() string { return p.Detail }

// GetStatus implements huma.StatusError.
func (p *ProblemError) GetStatus() int { return p.Status }

// ContentType makes huma send application/problem+json.
func (p *ProblemError) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

// APIErr turns a service error into the API's problem response, in the
// caller's language.
func APIErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errs.Code(err) == errs.EINTERNAL {
		logInternal(ctx, err)
	}
	return &ProblemError{ProblemOf(i18n.From(ctx), err, "")}
}

// NewAPI makes the JSON API on the server's mux, with its OpenAPI 3.1
// document at /api/v1/openapi.json. Its own errors (a body that does not
// parse, a wrong type) come out as problems too, with a translated detail.
func (s *Server) NewAPI(version string) huma.API {
	cfg := huma.DefaultConfig("shequ API", version)
	cfg.OpenAPIPath = "/api/v1/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = "/api/v1/schemas"
	cfg.CreateHooks = nil // no $schema links in bodies
	cfg.Info.Description = "The JSON API of shequ, the urban and rural community service platform. " +
		"Authenticate with `Authorization: Bearer <token>` (tokens from `shequ token create`). " +
		"Errors are RFC 9457 problem documents whose `detail` and `errors[].message` follow Accept-Language (zh-CN or en). " +
		"Records outside the caller's area answer 404."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer"},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}}
	api := humago.New(s.Mux, cfg)
	api.UseMiddleware(func(ctx huma.Context, next func(huma.Context)) {
		// A browser session that must first change its password or pass
		// TOTP may not use the API either (it has no principal there; this
		// says why). Public operations (no security) answer as to anyone.
		if sec := ctx.Operation().Security; PendingStep(ctx.Context()) != "" && (sec == nil || len(sec) > 0) {
			_ = huma.WriteErr(api, ctx, http.StatusForbidden, "")
			return
		}
		next(ctx)
	})
	return api
}

func init() {
	huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, es ...error) huma.StatusError {
		lang := i18n.ZH
		if hctx != nil {
			lang = i18n.From(hctx.Context())
		}
		code := errs.EINTERNAL
		key := "error.internal"
		switch {
		case status == http.StatusForbidden:
			code, key = errs.EFORBIDDEN, "error.forbidden"
		case status == http.StatusUnauthorized:
			code, key = errs.EUNAUTHORIZED, "error.unauthorized"
		case status == http.StatusNotFound:
			code, key = errs.ENOTFOUND, "error.not_found"
		case status == http.StatusRequestEntityTooLarge:
			code, key = errs.ETOOLARGE, "error.too_large"
		case status >= 400 && status < 500:
			code, key = errs.EINVALID, "error.bad_request"
		}
		p := &Problem{Title: http.StatusText(status), Status: status, Code: code, Detail: i18n.T(lang, key)}
		for _, e := range es {
			if e == nil {
				continue
			}
			f := ProblemField{Message: e.Error()}
			if d, ok := e.(huma.ErrorDetailer); ok {
				det := d.ErrorDetail()
				f.Location, f.Message = det.Location, det.Message
			}
			p.Errors = append(p.Errors, f)
		}
		return &ProblemError{p}
	}
}
