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
