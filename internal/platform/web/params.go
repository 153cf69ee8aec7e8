package web

import (
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/platform/errs"
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
