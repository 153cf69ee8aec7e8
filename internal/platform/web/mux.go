package web

import (
	"net/http"
	"slices"
	"sync"
)

// Mux is the server's http.ServeMux that also remembers the patterns
// registered on it (pages, the API through huma, Open311, static files), so
// a test can walk every route and none is forgotten.
type Mux struct {
	*http.ServeMux
	mu       sync.Mutex
	patterns []string
}

// NewMux makes an empty Mux.
func NewMux() *Mux { return &Mux{ServeMux: http.NewServeMux()} }

// Handle registers h for pattern.
func (m *Mux) Handle(pattern string, h http.Handler) {
	m.record(pattern)
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers f for pattern.
func (m *Mux) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	m.record(pattern)
	m.ServeMux.HandleFunc(pattern, f)
}

func (m *Mux) record(pattern string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.patterns = append(m.patterns, pattern)
}

// Patterns lists the registered patterns in the order of registration.
func (m *Mux) Patterns() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.patterns)
}
