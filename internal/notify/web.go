package notify

import (
	"context"
	"embed"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

type listData struct {
	Items []InboxItem
	Page  int
	More  bool
}

type itemData struct {
	Item *InboxItem
}

// RegisterWeb adds the inbox pages and the unread count of the header.
func (o *Outbox) RegisterWeb(srv *web.Server) {
	srv.Render.AddPages("notify", templates, "templates/*.html")
	srv.Unread = o.Unread
	srv.Page("GET /inbox", func(w http.ResponseWriter, r *http.Request) error {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		items, more, err := o.Inbox(r.Context(), page, 50)
		if err != nil {
			return err
		}
		page, _ = db.Paging(page, 50)
		srv.Render.Render(w, http.StatusOK, "notify/inbox", srv.NewPage(r, "notify.inbox", &listData{Items: items, Page: page, More: more}))
		return nil
	})
	// Opening a message marks it read; the page links to its object.
	srv.Page("GET /inbox/{id}", func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			return errs.NotFound("notify.not_found")
		}
		it, err := o.Open(r.Context(), id)
		if err != nil {
			return err
		}
		srv.Render.Render(w, http.StatusOK, "notify/message", srv.NewPage(r, "notify.message", &itemData{Item: it}))
		return nil
	})
}

type inboxInput struct {
	Page    int `query:"page" default:"1"`
	PerPage int `query:"per_page" default:"50" doc:"at most 200"`
}

type inboxOutput struct {
	Body struct {
		Items  []InboxItem `json:"items"`
		Page   int         `json:"page"`
		More   bool        `json:"more"`
		Unread int         `json:"unread"`
	}
}

type inboxIDInput struct {
	ID int64 `path:"id"`
}

type inboxItemOutput struct{ Body *InboxItem }

// RegisterAPI adds the inbox to the JSON API.
func (o *Outbox) RegisterAPI(api huma.API) {
	tags := []string{"inbox"}
	huma.Register(api, huma.Operation{OperationID: "list-inbox", Method: http.MethodGet, Path: "/api/v1/inbox",
		Summary: "The caller's messages, newest first, with the unread count", Tags: tags},
		func(ctx context.Context, in *inboxInput) (*inboxOutput, error) {
			items, more, err := o.Inbox(ctx, in.Page, in.PerPage)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &inboxOutput{}
			if out.Body.Unread, err = o.Unread(ctx); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out.Body.Page, _ = db.Paging(in.Page, in.PerPage)
			out.Body.Items, out.Body.More = items, more
			if out.Body.Items == nil {
				out.Body.Items = []InboxItem{}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "open-inbox-message", Method: http.MethodPost, Path: "/api/v1/inbox/{id}/read",
		Summary: "Mark a message of the caller's inbox read, and return it", Tags: tags},
		func(ctx context.Context, in *inboxIDInput) (*inboxItemOutput, error) {
			it, err := o.Open(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &inboxItemOutput{Body: it}, nil
		})
}
