package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
)

// PathID reads the path value name (a route's {id}) as a positive record
// id. Anything else names no record, so it is ENOTFOUND with the message
// key notFound, given args, like a record the store cannot find.
func PathID(r *http.Request, name, notFound string, args ...any) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound(notFound, args...)
	}
	return id, nil
}

// PageParam reads a list page's number from the query's "page"; 0 when it
// is absent or not a number (db.Paging makes that the first page).
func PageParam(q url.Values) int {
	page, _ := strconv.Atoi(q.Get("page"))
	return page
}

// File is a page answering the stored file (upload.Serve) that get finds
// by the path value param, a record id read as PathID reads it (notFound
// its message). get checks that the caller may read the file's record:
// stored files have no public path.
func File(param, notFound string, get func(context.Context, int64) (*upload.Blob, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathID(r, param, notFound)
		if err != nil {
			return err
		}
		b, err := get(r.Context(), id)
		if err != nil {
			return err
		}
		upload.Serve(w, r, b)
		return nil
	}
}

// FileOf is File for a file addressed by two path values: its record's id
// (owner) and its own (param), each with its not-found message.
func FileOf(owner, ownerNotFound, param, notFound string, get func(context.Context, int64, int64) (*upload.Blob, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathID(r, owner, ownerNotFound)
		if err != nil {
			return err
		}
		return File(param, notFound, func(ctx context.Context, blob int64) (*upload.Blob, error) {
			return get(ctx, id, blob)
		})(w, r)
	}
}
