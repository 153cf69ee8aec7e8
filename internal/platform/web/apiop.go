package web

import (
	"context"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/db"
)

// Record is an API answer whose body is one value (a record, or a result).
type Record[T any] struct{ Body T }

// List is an API answer whose body is one page of a list: its items ([]
// when there are none, never null), the page number and whether more follow.
type List[T any] struct {
	Body struct {
		Items []T  `json:"items"`
		Page  int  `json:"page"`
		More  bool `json:"more" doc:"whether another page follows"`
	}
}

// RecordOp registers op on api: call answers the body, or an error that
// goes out as the API's problem (APIErr), in the caller's language.
func RecordOp[I, T any](api huma.API, op huma.Operation, call func(ctx context.Context, in *I) (T, error)) {
	huma.Register(api, op, func(ctx context.Context, in *I) (*Record[T], error) {
		v, err := call(ctx, in)
		if err != nil {
			return nil, APIErr(ctx, err)
		}
		return &Record[T]{Body: v}, nil
	})
}

// ListOp registers a paged list operation on api: page tells the input's
// page and page size (clamped by db.Paging, as the store clamps them), call
// answers that page's items and whether more follow, or an error that goes
// out as the API's problem (APIErr).
func ListOp[I, T any](api huma.API, op huma.Operation, page func(in *I) (page, perPage int),
	call func(ctx context.Context, in *I) ([]T, bool, error)) {
	huma.Register(api, op, func(ctx context.Context, in *I) (*List[T], error) {
		items, more, err := call(ctx, in)
		if err != nil {
			return nil, APIErr(ctx, err)
		}
		out := &List[T]{}
		out.Body.Page, _ = db.Paging(page(in))
		out.Body.Items, out.Body.More = items, more
		if out.Body.Items == nil {
			out.Body.Items = []T{}
		}
		return out, nil
	})
}

// Items is an API answer whose body is a whole (unpaged) list: its items,
// [] when there are none, never null.
type Items[T any] struct {
	Body struct {
		Items []T `json:"items"`
	}
}

// ItemsOp registers an unpaged list operation on api: call answers all the
// items, or an error that goes out as the API's problem (APIErr).
func ItemsOp[I, T any](api huma.API, op huma.Operation, call func(ctx context.Context, in *I) ([]T, error)) {
	huma.Register(api, op, func(ctx context.Context, in *I) (*Items[T], error) {
		items, err := call(ctx, in)
		if err != nil {
			return nil, APIErr(ctx, err)
		}
		out := &Items[T]{}
		out.Body.Items = items
		if out.Body.Items == nil {
			out.Body.Items = []T{}
		}
		return out, nil
	})
}

// IDInput is an operation's input of one record's id in the path ({id}).
type IDInput struct {
	ID int64 `path:"id"`
}

// BodyInput is an operation's input of a JSON body. B should be a named
// type: huma names the body's schema after it.
type BodyInput[B any] struct{ Body B }

// IDBodyInput is an operation's input of one record's id in the path
// ({id}) and a JSON body (a named type, as for BodyInput).
type IDBodyInput[B any] struct {
	ID   int64 `path:"id"`
	Body B
}

// PageQuery is a list input's page (from 1) and page size (50 by default,
// at most 200: db.Paging clamps them). Embed it in the input itself (huma
// reads no fields of an embedded struct whose type is unexported); the
// method expression (*listInput).Paging is what ListOp takes as page.
type PageQuery struct {
	Page    int `query:"page" default:"1"`
	PerPage int `query:"per_page" default:"50" doc:"at most 200"`
}

// Paging answers the page asked for and its size.
func (p *PageQuery) Paging() (page, perPage int) { return p.Page, p.PerPage }

// IDOp registers an operation on one record, the {id} of the path (a get):
// call answers the body, or an error that goes out as the API's problem.
func IDOp[T any](api huma.API, op huma.Operation, call func(ctx context.Context, id int64) (T, error)) {
	RecordOp(api, op, func(ctx context.Context, in *IDInput) (T, error) { return call(ctx, in.ID) })
}

// BodyOp registers an operation that takes a JSON body (a create): call
// answers the body, or an error that goes out as the API's problem.
func BodyOp[B, T any](api huma.API, op huma.Operation, call func(ctx context.Context, body B) (T, error)) {
	RecordOp(api, op, func(ctx context.Context, in *BodyInput[B]) (T, error) { return call(ctx, in.Body) })
}

// IDBodyOp registers an operation on one record, the {id} of the path,
// that takes a JSON body (an update, or an action on the record): call
// answers the body, or an error that goes out as the API's problem.
func IDBodyOp[B, T any](api huma.API, op huma.Operation, call func(ctx context.Context, id int64, body B) (T, error)) {
	RecordOp(api, op, func(ctx context.Context, in *IDBodyInput[B]) (T, error) { return call(ctx, in.ID, in.Body) })
}
