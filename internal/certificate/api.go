package certificate

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/web"
)

type listInput struct {
	VolunteerID int64 `query:"volunteer_id" doc:"only this volunteer's certificates"`
	OrgID       int64 `query:"org_id" doc:"only this organisation's certificates"`
	web.PageQuery
}

type numberInput struct {
	Number string `path:"number" maxLength:"40" doc:"certificate number; append .pdf for the PDF"`
}

type revokeInput struct {
	Number string `path:"number" maxLength:"40"`
	Body   struct {
		Reason string `json:"revoke_reason" maxLength:"400" doc:"why the certificate is withdrawn; shown to staff, not on the public page"`
	}
}

type verifyInput struct {
	Number string `path:"number" maxLength:"40"`
}

type verifyOutput struct{ Body *Verification }

type sealInput struct {
	OrgID int64 `path:"org_id"`
	Body  struct {
		Image []byte `json:"image" doc:"PNG or JPEG, base64; at most 2 MB" maxLength:"2900000"`
	}
}

type orgInput struct {
	OrgID int64 `path:"org_id"`
}

type requestListInput struct {
	Status string `query:"status" enum:"pending,issued,refused," doc:"only requests with this status"`
	web.PageQuery
}

type baseKey struct{}

// baseURL is the scheme and host the caller reached us at, for the QR code.
func (h *Handlers) baseURL(r *http.Request) string {
	if h.PublicURL != "" {
		return h.PublicURL
	}
	scheme := "http"
	if web.IsHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// RegisterAPI adds the certificate routes to the JSON API.
func (h *Handlers) RegisterAPI(api huma.API) {
	s := h.Svc
	tags := []string{"certificates"}
	web.BodyOp(api, huma.Operation{OperationID: "issue-certificate", Method: http.MethodPost, Path: "/api/v1/certificates",
		Summary:       "Issue a volunteer service certificate",
		Description:   "Certifies, free of charge, the hours the organisation recorded for the volunteer in the period. The organisation must be in the caller's area and have a seal.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		s.Issue)
	web.ListOp(api, huma.Operation{OperationID: "list-certificates", Method: http.MethodGet, Path: "/api/v1/certificates",
		Summary: "Certificates issued in the caller's area, newest first within each division", Tags: tags},
		(*listInput).Paging,
		func(ctx context.Context, in *listInput) ([]Certificate, bool, error) {
			return s.List(ctx, Filter{VolunteerID: in.VolunteerID, OrgID: in.OrgID, Page: in.Page, PerPage: in.PerPage})
		})
	// One route serves both the JSON and, for a number ending in .pdf,
	// the PDF: the mux takes a wildcard only as a whole path segment.
	huma.Register(api, huma.Operation{OperationID: "get-certificate", Method: http.MethodGet, Path: "/api/v1/certificates/{number}",
		Summary:     "A certificate with its records; /api/v1/certificates/{number}.pdf is its PDF",
		Middlewares: huma.Middlewares{h.requestInfo},
		Description: "JSON (a Certificate) for a plain number; `application/pdf` when the number ends in `.pdf`.",
		Tags:        tags,
		Responses: map[string]*huma.Response{"200": {Description: "the certificate", Content: map[string]*huma.MediaType{
			"application/json": {Schema: api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[Certificate](), true, "Certificate")},
			"application/pdf":  {Schema: &huma.Schema{Type: "string", Format: "binary"}},
		}}}},
		func(ctx context.Context, in *numberInput) (*huma.StreamResponse, error) {
			number, pdf := strings.CutSuffix(in.Number, ".pdf")
			var body bytes.Buffer
			ctype := "application/json"
			if pdf {
				ctype = "application/pdf"
				if _, err := s.PDF(ctx, number, baseFrom(ctx), &body); err != nil {
					return nil, web.APIErr(ctx, err)
				}
			} else {
				c, err := s.Get(ctx, number)
				if err != nil {
					return nil, web.APIErr(ctx, err)
				}
				if err := json.NewEncoder(&body).Encode(c); err != nil {
					return nil, web.APIErr(ctx, errs.Internal("certificate.Handlers.RegisterAPI: Encode", err))
				}
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				hctx.SetHeader("Content-Type", ctype)
				hctx.SetHeader("Cache-Control", "private, no-store")
				if pdf {
					hctx.SetHeader("Content-Disposition", `attachment; filename="certificate-`+number+`.pdf"`)
				}
				_, _ = hctx.BodyWriter().Write(body.Bytes())
			}}, nil
		})
	web.RecordOp(api, huma.Operation{OperationID: "revoke-certificate", Method: http.MethodPost, Path: "/api/v1/certificates/{number}/revoke",
		Summary: "Revoke a certificate, with a reason (audited)", Tags: tags},
		func(ctx context.Context, in *revokeInput) (*Certificate, error) {
			return s.Revoke(ctx, in.Number, in.Body.Reason)
		})
	web.BodyOp(api, huma.Operation{OperationID: "ask-certificate", Method: http.MethodPost, Path: "/api/v1/certificate-requests",
		Summary:       "A volunteer asks an organisation that recorded their hours for a certificate",
		Description:   "Residents only, for their own volunteer registration. The organisation must have recorded hours of theirs in the period; its staff then issue the certificate or refuse with a reason.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		s.Ask)
	web.ListOp(api, huma.Operation{OperationID: "list-certificate-requests", Method: http.MethodGet, Path: "/api/v1/certificate-requests",
		Summary: "Certificate requests, newest first: a volunteer's own, or those made to the organisations of the caller's area", Tags: tags},
		(*requestListInput).Paging,
		func(ctx context.Context, in *requestListInput) ([]CertificateRequest, bool, error) {
			return s.Requests(ctx, RequestFilter{Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.IDBodyOp(api, huma.Operation{OperationID: "decide-certificate-request", Method: http.MethodPost, Path: "/api/v1/certificate-requests/{id}/decision",
		Summary:     "Issue the certificate a request asks for, or refuse it with a reason (audited)",
		Description: "Staff of the organisation's area. Issuing certifies the organisation's records of the volunteer in the period, as issuing directly does; the request then carries the certificate's number.",
		Tags:        tags},
		s.Decide)
	web.RecordOp(api, huma.Operation{OperationID: "set-certificate-seal", Method: http.MethodPut, Path: "/api/v1/certificate-seals/{org_id}",
		Summary:      "Upload an organisation's seal image (PNG or JPEG; checked by content, redrawn without metadata)",
		MaxBodyBytes: 4 << 20, Tags: tags},
		func(ctx context.Context, in *sealInput) (*Seal, error) {
			return s.SetSeal(ctx, in.OrgID, in.Body.Image)
		})
	web.RecordOp(api, huma.Operation{OperationID: "get-certificate-seal", Method: http.MethodGet, Path: "/api/v1/certificate-seals/{org_id}",
		Summary: "An organisation's current seal (its record, not the image)", Tags: tags},
		func(ctx context.Context, in *orgInput) (*Seal, error) { return s.CurrentSeal(ctx, in.OrgID) })
	huma.Register(api, huma.Operation{OperationID: "verify-certificate", Method: http.MethodGet, Path: "/api/v1/verify/{number}",
		Summary:     "Verify a certificate number (public; rate-limited per address)",
		Description: "Whether the number is genuine, for whom (masked), the hours, period, issuer and dates; revoked certificates say so. No sign-in needed.",
		Security:    []map[string][]string{}, Middlewares: huma.Middlewares{h.requestInfo}, Tags: tags},
		func(ctx context.Context, in *verifyInput) (*verifyOutput, error) {
			if !h.limit.take(clientFrom(ctx)) {
				return nil, web.APIErr(ctx, errs.E(errs.ETOOMANY, "certificate.too_many"))
			}
			v, err := s.Verify(ctx, in.Number)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &verifyOutput{Body: v}, nil
		})
}

type clientKey struct{}

// requestInfo puts the base URL and client address of the request in
// ctx, which huma handlers do not otherwise see.
func (h *Handlers) requestInfo(hctx huma.Context, next func(huma.Context)) {
	r, _ := humago.Unwrap(hctx)
	hctx = huma.WithValue(hctx, baseKey{}, h.baseURL(r))
	hctx = huma.WithValue(hctx, clientKey{}, h.Srv.ClientAddr(r))
	next(hctx)
}

func baseFrom(ctx context.Context) string {
	s, _ := ctx.Value(baseKey{}).(string)
	return s
}

func clientFrom(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	if ip := net.ParseIP(s); ip != nil {
		return ip.String()
	}
	return s
}
