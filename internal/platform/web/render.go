package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/pii"
)

//go:embed templates/*.html
var baseFS embed.FS

// NavItem is one entry of the navigation; it shows only to its roles.
type NavItem struct {
	Key   string // translation key
	Path  string
	Roles []auth.Role
	Order int    // within its group
	Group string // one of the Nav* groups
}

// The navigation's groups (translation keys), in the order they show.
const (
	NavOverview   = "layout.group.overview"
	NavRegistries = "layout.group.registries"
	NavRequests   = "layout.group.requests"
	NavCare       = "layout.group.care"
	NavVolunteers = "layout.group.volunteers"
	NavAdmin      = "layout.group.admin"
)

var navGroups = []string{NavOverview, NavRegistries, NavRequests, NavCare, NavVolunteers, NavAdmin}

// NavGroup is a titled group of the entries a principal may see.
type NavGroup struct {
	Key   string // translation key; empty for entries without a known group
	Items []NavItem
}

// groupNav groups entries (sorted by Order) in the groups' order; entries
// of no known group come last, untitled.
func groupNav(items []NavItem) []NavGroup {
	var out []NavGroup
	known := map[string]bool{}
	for _, g := range navGroups {
		known[g] = true
		var in []NavItem
		for _, it := range items {
			if it.Group == g {
				in = append(in, it)
			}
		}
		if len(in) > 0 {
			out = append(out, NavGroup{Key: g, Items: in})
		}
	}
	var rest []NavItem
	for _, it := range items {
		if !known[it.Group] {
			rest = append(rest, it)
		}
	}
	if len(rest) > 0 {
		out = append(out, NavGroup{Items: rest})
	}
	return out
}

// Page is what every template gets.
type Page struct {
	Lang       string
	Title      string // translation key or text
	User       *auth.Principal
	CSRF       string
	Nav        []NavItem  // in the groups' order
	NavGroups  []NavGroup // the same, grouped
	Path       string
	Query      url.Values
	Elderly    bool
	Demo       bool // the server runs the demo
	Flash      string
	Errors     []string
	Data       any
	Version    string
	Now        time.Time
	Restricted bool // the user must finish a step (password, TOTP) first
	Inbox      bool // the header links to the inbox
	Unread     int  // the caller's unread messages
}

// T translates a key in the page's language.
func (p *Page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// Navigable reports whether the menu offers the user the page at path: a
// page's own tabs and links to other slices' pages show only what the
// user's role may open.
func (p *Page) Navigable(path string) bool {
	for _, it := range p.Nav {
		if it.Path == path {
			return true
		}
	}
	return false
}

// Renderer holds the parsed page templates.
type Renderer struct {
	mu    sync.RWMutex
	base  *template.Template
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"add":      func(a, b int) int { return a + b },
	"list":     func(xs ...string) []string { return xs },
	"maskName": pii.MaskName,
	"sub":      func(a, b int) int { return a - b },
	"fmtInt": func(v any) string {
		switch n := v.(type) {
		case int:
			return groupDigits(strconv.Itoa(n))
		case int64:
			return groupDigits(strconv.FormatInt(n, 10))
		}
		return fmt.Sprint(v)
	},
	"fmtFloat": func(v float64, prec int) string { return groupDigits(strconv.FormatFloat(v, 'f', prec, 64)) },
	"localTime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(calendar.China).Format("2006-01-02 15:04")
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"hasRole": func(p *auth.Principal, roles ...string) bool {
		return p != nil && slices.Contains(roles, string(p.Role))
	},
	"pageURL": func(q url.Values, page int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(page))
		return "?" + v.Encode()
	},
	"qs": func(q url.Values, kv ...string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return "?" + v.Encode()
	},
}

func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// baseTemplates is the layout and shared partials, parsed once per
// process: they are embedded, so every Renderer would parse the same text.
var baseTemplates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(funcs).ParseFS(baseFS, "templates/*.html"))
})

// parsedPages keeps the pages parsed from embedded files (embed.FS never
// changes), so that every application a process starts (a test binary
// starts hundreds) shares one parse of each page. The key is the file
// system, the namespace and the file.
var parsedPages sync.Map

type pageKey struct {
	fsys      embed.FS
	namespace string
	name      string
}

// NewRenderer makes a renderer over the layout and shared partials.
func NewRenderer() *Renderer {
	return &Renderer{base: baseTemplates(), pages: map[string]*template.Template{}}
}

// AddPages parses a slice's page templates under a namespace: the file
// templates/tree.html of namespace "division" renders as "division/tree".
// Each page defines "title" is optional and "content" is required.
func (r *Renderer) AddPages(namespace string, fsys fs.FS, pattern string) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil || len(names) == 0 {
		panic(fmt.Sprintf("web: no templates for %s in %s", namespace, pattern))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range names {
		key := namespace + "/" + strings.TrimSuffix(path.Base(n), ".html")
		r.pages[key] = r.parse(namespace, fsys, n)
	}
}

// parse parses file n of fsys over the base templates; a page of an
// embedded file system is parsed once per process and shared (executing
// an html/template is safe from many goroutines).
func (r *Renderer) parse(namespace string, fsys fs.FS, n string) *template.Template {
	efs, embedded := fsys.(embed.FS)
	if embedded && r.base == baseTemplates() {
		k := pageKey{efs, namespace, n}
		if t, ok := parsedPages.Load(k); ok {
			return t.(*template.Template)
		}
		t := template.Must(template.Must(r.base.Clone()).ParseFS(fsys, n))
		actual, _ := parsedPages.LoadOrStore(k, t)
		return actual.(*template.Template)
	}
	return template.Must(template.Must(r.base.Clone()).ParseFS(fsys, n))
}

// Render writes page name with status.
func (r *Renderer) Render(w http.ResponseWriter, status int, name string, p *Page) {
	r.mu.RLock()
	t, ok := r.pages[name]
	r.mu.RUnlock()
	if !ok {
		slog.Error("web: no such page template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	entry := "layout"
	if p.Data != nil {
		if f, ok := p.Data.(interface{ Fragment() string }); ok && f.Fragment() != "" {
			entry = f.Fragment()
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, entry, p); err != nil {
		slog.Error("web: render", "page", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// HasPage reports whether a page template is registered.
func (r *Renderer) HasPage(name string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.pages[name]
	return ok
}
