package resident

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

// TokenTTL is how long the bearer token of an API sign-up or code sign-in
// lives: a session's absolute limit.
const TokenTTL = auth.AbsoluteTimeout

type clientKey struct{}

type codeInput struct {
	Body struct {
		Phone   string `json:"phone" doc:"11-digit mainland mobile number" maxLength:"20"`
		Purpose string `json:"purpose" enum:"signup,signin,recover"`
	}
}

type codeOutput struct {
	Body struct {
		Message string `json:"message" doc:"the same whether or not the number has an account"`
	}
}

type signUpInput struct{ Body SignUp }

type tokenOutput struct {
	Body struct {
		Token     string    `json:"token" doc:"a bearer token for the new session"`
		ExpiresAt time.Time `json:"expires_at"`
		Resident  *Resident `json:"resident,omitempty"`
	}
}

type signInInput struct {
	Body struct {
		Phone string `json:"phone" maxLength:"20"`
		Code  string `json:"sms_code" maxLength:"10"`
	}
}

type recoverInput struct {
	Body struct {
		Phone    string `json:"phone" maxLength:"20"`
		Code     string `json:"sms_code" maxLength:"10"`
		Password string `json:"password" maxLength:"200"`
	}
}

type queueInput struct {
	Status string `query:"status" enum:"unverified,verified,refused," doc:"default unverified"`
	web.PageQuery
}

type idInput struct {
	ID int64 `path:"id"`
}

type refuseInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Reason string `json:"refusal_reason" maxLength:"400" doc:"shown to the resident"`
	}
}

// RegisterAPI adds the JSON API: the public sign-up, code and recovery
// routes, the resident's own state, and the workers' queue and decisions.
func (s *Service) RegisterAPI(api huma.API, srv *web.Server) {
	tags := []string{"residents"}
	public := []map[string][]string{}
	client := huma.Middlewares{func(hctx huma.Context, next func(huma.Context)) {
		r, _ := humago.Unwrap(hctx)
		next(huma.WithValue(hctx, clientKey{}, srv.ClientAddr(r)))
	}}
	clientOf := func(ctx context.Context) string { c, _ := ctx.Value(clientKey{}).(string); return c }
	token := func(ctx context.Context, acc *auth.Account, action string) (*tokenOutput, error) {
		tok, exp, err := s.Sessions.CreateToken(ctx, acc.ID, TokenTTL)
		if err != nil {
			return nil, web.APIErr(ctx, err)
		}
		out := &tokenOutput{}
		out.Body.Token, out.Body.ExpiresAt = tok, exp
		if action != "" {
			_ = s.Audit.Write(auth.With(ctx, acc.Principal(clientOf(ctx), "")), auditEntry(action, acc.Name))
		}
		return out, nil
	}
	huma.Register(api, huma.Operation{OperationID: "send-resident-code", Method: http.MethodPost, Path: "/api/v1/signup/code",
		Summary:     "Send a one-time code by SMS (public)",
		Description: "6 digits, valid 5 minutes, 5 tries. The answer is the same whether or not the number has an account. Limited per number and per address (429).",
		Security:    public, Middlewares: client, DefaultStatus: http.StatusAccepted, Tags: tags},
		func(ctx context.Context, in *codeInput) (*codeOutput, error) {
			if err := s.SendCode(ctx, clientOf(ctx), in.Body.Phone, in.Body.Purpose); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &codeOutput{}
			out.Body.Message = i18n.T(i18n.From(ctx), "resident.code_sent")
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "sign-up-resident", Method: http.MethodPost, Path: "/api/v1/signup",
		Summary:     "Sign up as a resident with a code (public)",
		Description: "Creates an unverified resident account at the chosen community and returns a bearer token for it.",
		Security:    public, Middlewares: client, DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *signUpInput) (*tokenOutput, error) {
			acc, err := s.SignUp(ctx, clientOf(ctx), in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out, err := token(ctx, acc, "")
			if err != nil {
				return nil, err
			}
			if out.Body.Resident, err = s.Me(auth.With(ctx, acc.Principal(clientOf(ctx), ""))); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "sign-in-resident-code", Method: http.MethodPost, Path: "/api/v1/signin/code",
		Summary: "Sign in with a code instead of a password (public)", Security: public, Middlewares: client, Tags: tags},
		func(ctx context.Context, in *signInInput) (*tokenOutput, error) {
			acc, err := s.SignInWithCode(ctx, clientOf(ctx), in.Body.Phone, in.Body.Code)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return token(ctx, acc, "auth.login_code")
		})
	huma.Register(api, huma.Operation{OperationID: "recover-resident", Method: http.MethodPost, Path: "/api/v1/recover",
		Summary:     "Set a new password with a code (public)",
		Description: "Ends the account's sessions and tokens and returns a new token.",
		Security:    public, Middlewares: client, Tags: tags},
		func(ctx context.Context, in *recoverInput) (*tokenOutput, error) {
			acc, err := s.Recover(ctx, clientOf(ctx), in.Body.Phone, in.Body.Code, in.Body.Password)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return token(ctx, acc, "")
		})
	web.RecordOp(api, huma.Operation{OperationID: "get-own-resident", Method: http.MethodGet, Path: "/api/v1/residents/me",
		Summary: "The caller's own sign-up and its verification", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*Resident, error) { return s.Me(ctx) })
	web.RecordOp(api, huma.Operation{OperationID: "set-own-resident-sms", Method: http.MethodPut, Path: "/api/v1/residents/me/sms",
		Summary: "Turn SMS copies of the caller's messages on or off (to the number they signed up with)", Tags: tags},
		func(ctx context.Context, in *smsInput) (*Resident, error) { return s.SetSMS(ctx, in.Body.On) })
	web.ListOp(api, huma.Operation{OperationID: "list-residents", Method: http.MethodGet, Path: "/api/v1/residents",
		Summary: "Self-registered residents of the caller's area, by verification state (the queue)", Tags: tags},
		(*queueInput).Paging,
		func(ctx context.Context, in *queueInput) ([]Resident, bool, error) {
			return s.Queue(ctx, in.Status, in.Page, in.PerPage)
		})
	web.IDOp(api, huma.Operation{OperationID: "get-resident", Method: http.MethodGet, Path: "/api/v1/residents/{id}",
		Summary: "A self-registered resident of the caller's area", Tags: tags},
		s.Get)
	web.RecordOp(api, huma.Operation{OperationID: "verify-resident", Method: http.MethodPost, Path: "/api/v1/residents/{id}/verify",
		Summary: "Confirm that a resident lives in the community (认证居民)", Tags: tags},
		func(ctx context.Context, in *idInput) (*Resident, error) { return s.Decide(ctx, in.ID, true, "") })
	web.RecordOp(api, huma.Operation{OperationID: "refuse-resident", Method: http.MethodPost, Path: "/api/v1/residents/{id}/refuse",
		Summary: "Refuse a resident's residence, with a reason they see", Tags: tags},
		func(ctx context.Context, in *refuseInput) (*Resident, error) {
			return s.Decide(ctx, in.ID, false, in.Body.Reason)
		})
}

type smsInput struct {
	Body struct {
		On bool `json:"on" doc:"true: messages also by SMS"`
	}
}
