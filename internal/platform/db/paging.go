package db

// Paging of list queries: every list reads one page of at most MaxPerPage
// rows, asking for one row more than it shows to tell whether there is a
// next page (Page reads such a result).

// DefaultPerPage and MaxPerPage bound a list's page.
const (
	DefaultPerPage = 50
	MaxPerPage     = 200
)

// Paging clamps a requested page (from 1) and page size: a page below 1 is
// the first, a size below 1 is DefaultPerPage and one above MaxPerPage is
// MaxPerPage.
func Paging(page, perPage int) (int, int) {
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = DefaultPerPage
	}
	return page, min(perPage, MaxPerPage)
}

// LimitOffset is the LIMIT and OFFSET of a page's query: one row more than
// the page holds, so that Page (or More) can tell whether there are more.
// page and perPage are clamped by Paging first.
func LimitOffset(page, perPage int) (limit, offset int) {
	page, perPage = Paging(page, perPage)
	return perPage + 1, (page - 1) * perPage
}

// More cuts a page read with LimitOffset's limit to perPage rows and
// reports whether there were more; for lists read row by row with a
// callback instead of through Page.
func More[T any](out []T, perPage int) ([]T, bool) {
	if len(out) > perPage {
		return out[:perPage], true
	}
	return out, false
}

// PageArgs appends a page's LIMIT and OFFSET (LimitOffset) to a query's
// arguments, for a query that ends LIMIT $n-1 OFFSET $n.
func PageArgs(args []any, page, perPage int) []any {
	limit, offset := LimitOffset(page, perPage)
	return append(args, limit, offset)
}
