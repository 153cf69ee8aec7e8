package web

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/url"

	"shequ/internal/platform/db"
	"shequ/internal/platform/xlsx"
)

// Pages is what a slice's page handlers hold: the slice's service and the
// server that routes and renders. A slice embeds it in its Web type.
type Pages[S any] struct {
	S   *S
	Srv *Server
}

// NewPages adds a slice's page templates (templates/*.html of fsys, under
// namespace: "namespace/list" names templates/list.html) and its
// navigation entries, and returns the handlers' Pages.
func NewPages[S any](srv *Server, s *S, namespace string, fsys fs.FS, nav ...NavItem) *Pages[S] {
	srv.Render.AddPages(namespace, fsys, "templates/*.html")
	if len(nav) > 0 {
		srv.AddNav(nav...)
	}
	return &Pages[S]{S: s, Srv: srv}
}

// RegistryRoutes is the pages of a registry kept in a workbook, on the URL scheme
// every registry shares under its base (base "/workers"):
//
//	GET  base                list       GET  base/new        new form
//	GET  base/export.xlsx    export     POST base            create
//	GET  base/template.xlsx  template   GET  base/{id}       view
//	POST base/import         import     GET  base/{id}/edit  edit form
//	                                    POST base/{id}       save
//
// ImportMax caps the import's request body (MaxBody).
type RegistryRoutes struct {
	List, Export, Template, Import HandlerFunc
	New, Create, View, Edit, Save  HandlerFunc
	ImportMax                      int64
}

// RegistryPages registers r's pages under base.
func (s *Server) RegistryPages(base string, r RegistryRoutes) {
	s.Page("GET "+base, r.List)
	s.Page("GET "+base+"/export.xlsx", r.Export)
	s.Page("GET "+base+"/template.xlsx", r.Template)
	s.Page("POST "+base+"/import", r.Import, MaxBody(r.ImportMax))
	s.Page("GET "+base+"/new", r.New)
	s.Page("POST "+base, r.Create)
	s.Page("GET "+base+"/{id}", r.View)
	s.Page("GET "+base+"/{id}/edit", r.Edit)
	s.Page("POST "+base+"/{id}", r.Save)
}

// Listing is what every paged list page shows: the filter read from the
// query, one page of items, the page's number and whether more follow. A
// slice's list data embeds it, so that its templates read .F, .Items, .Page
// and .More.
type Listing[F, T any] struct {
	F     F
	Items []T
	Page  int
	More  bool
}

// ListOf reads a list page's filter from r's query (filter reads the page
// number from the "page" parameter, as PageParam does) and lists that page.
// On an error the listing still holds the filter and the page, for a page
// that shows the error beside the filter form.
func ListOf[F, T any](r *http.Request, filter func(url.Values) F, list func(context.Context, F) ([]T, bool, error)) (Listing[F, T], error) {
	q := r.URL.Query()
	l := Listing[F, T]{F: filter(q)}
	var err error
	l.Items, l.More, err = list(r.Context(), l.F)
	l.Page, _ = db.Paging(PageParam(q), 0)
	return l, err
}

// ExportList sends, as the workbook name, what export writes of the list
// that r's query filters (the list page's own filter and its export link).
func ExportList[F any](w http.ResponseWriter, r *http.Request, name string, filter func(url.Values) F, export func(context.Context, F, io.Writer) error) error {
	ctx := r.Context()
	return xlsx.Download(w, name, func(out io.Writer) error {
		return export(ctx, filter(r.URL.Query()), out)
	})
}
