package app

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/web"
)

// HomeSource is one slice's work queues for the caller, for the home page
// (request, care, volunteer, certificate; adapted in adapt_*.go). A slice
// returns none for a role it has no work for.
type HomeSource interface {
	Home(ctx context.Context) ([]web.Queue, error)
}

// SignupQueue counts the residents' sign-ups waiting for the caller to
// confirm their residence (认证居民). The sign-up slice implements it
// (issue #13); until it is wired (App.Signups nil) the home page shows no
// such queue.
type SignupQueue interface {
	ToVerify(ctx context.Context) (web.Queue, error)
}

// NoticeBoard is the caller's community's current notices (公告, 公示) for
// a resident's home page. The community page implements it (issue #13);
// until it is wired (App.Notices nil) the slot stays empty.
type NoticeBoard interface {
	HomeNotices(ctx context.Context) (web.Queue, error)
}

// Home is the caller's home page: whom it greets and its work queues.
type Home struct {
	Name    string      `json:"name"` // the display name, else the login
	Queues  []web.Queue `json:"queues"`
	Notices *web.Queue  `json:"notices,omitempty"`
}

// Home reads the caller's work queues from every slice, in order.
func (a *App) Home(ctx context.Context) (*Home, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	if p.UserID == 0 {
		return nil, errs.Forbidden()
	}
	h := &Home{Name: p.Display(), Queues: []web.Queue{}}
	if a.Signups != nil && p.Role.Staff() {
		q, err := a.Signups.ToVerify(ctx)
		if err != nil {
			return nil, err
		}
		if q.Key != "" {
			h.Queues = append(h.Queues, q)
		}
	}
	for _, s := range a.homeSources {
		qs, err := s.Home(ctx)
		if err != nil {
			return nil, err
		}
		h.Queues = append(h.Queues, qs...)
	}
	if a.Notices != nil && p.Role == auth.Resident {
		q, err := a.Notices.HomeNotices(ctx)
		if err != nil {
			return nil, err
		}
		h.Notices = &q
	}
	return h, nil
}

func (a *App) home(w http.ResponseWriter, r *http.Request) error {
	h, err := a.Home(r.Context())
	if err != nil {
		return err
	}
	a.Web.Render.Render(w, http.StatusOK, "web/home", a.Web.NewPage(r, "home.title", h))
	return nil
}

type homeOutput struct{ Body *Home }

// registerHomeAPI adds GET /api/v1/home: the caller's home page as data.
func (a *App) registerHomeAPI(api huma.API) {
	huma.Register(api, huma.Operation{OperationID: "get-home", Method: http.MethodGet, Path: "/api/v1/home",
		Summary: "The caller's work queues: counts and first items, as the home page shows them", Tags: []string{"home"}},
		func(ctx context.Context, _ *struct{}) (*homeOutput, error) {
			h, err := a.Home(ctx)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &homeOutput{Body: h}, nil
		})
}
