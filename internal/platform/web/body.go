package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// Request bodies are capped before anything reads them: a caller with no
// signed-in account gets AnonymousMaxBody, a signed-in one DefaultMaxBody,
// and only the routes registered with MaxBody (uploads) take more, and
// only from signed-in accounts. A body over its cap answers 413.
const (
	// AnonymousMaxBody caps requests without a signed-in account (the
	// sign-in form, sign-out, the public forms).
	AnonymousMaxBody int64 = 64 << 10
	// DefaultMaxBody caps the forms and JSON bodies of signed-in accounts.
	DefaultMaxBody int64 = 1 << 20
	// csrfPrefixMax is how much of a multipart body the CSRF check reads
	// looking for the token, which forms send as their first field.
	csrfPrefixMax = 64 << 10
	// csrfMaxParts is how many leading fields it looks at.
	csrfMaxParts = 64
)

// RouteOption is an option of a route registered with Page.
type RouteOption func(*routeOptions)

type routeOptions struct {
	maxBody int64
}

// MaxBody lets a route take a body of up to n bytes from signed-in
// accounts (file uploads); everything else keeps DefaultMaxBody.
func MaxBody(n int64) RouteOption {
	return func(o *routeOptions) { o.maxBody = n }
}

func (s *Server) setRouteOptions(pattern string, opts []RouteOption) {
	if len(opts) == 0 {
		return
	}
	var o routeOptions
	for _, f := range opts {
		f(&o)
	}
	s.routeMu.Lock()
	defer s.routeMu.Unlock()
	if s.routeOpts == nil {
		s.routeOpts = map[string]routeOptions{}
	}
	s.routeOpts[pattern] = o
}

// bodyLimit is the cap of r's body: the route the mux will choose is looked
// up first, so the cap is known before anything reads the body.
func (s *Server) bodyLimit(r *http.Request) int64 {
	if auth.From(r.Context()) == nil {
		return AnonymousMaxBody
	}
	limit := DefaultMaxBody
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return limit
	}
	_, pattern := s.Mux.Handler(r)
	s.routeMu.RLock()
	o, ok := s.routeOpts[pattern]
	s.routeMu.RUnlock()
	if ok && o.maxBody > limit {
		limit = o.maxBody
	}
	return limit
}

// TooLarge is the error of a body over its cap.
func TooLarge() error { return errs.E(errs.ETOOLARGE, "error.too_large") }

// isTooLarge reports whether err comes from a capped body.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || errs.Code(err) == errs.ETOOLARGE
}

// limitBody caps the body (a declared length over the cap is refused
// before a byte is read) and removes the temporary files of a multipart
// form that the handler parsed: net/http removes them only for a form
// parsed on the request it made, not on the copies middleware hands on.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.bodyLimit(r)
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			s.Error(w, r, TooLarge())
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		defer func() {
			if r.MultipartForm != nil {
				_ = r.MultipartForm.RemoveAll()
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// formCSRF reads the CSRF token of a form without parsing a whole
// multipart body: an urlencoded body is small (capped) and parsed; of a
// multipart one only the first fields, up to csrfPrefixMax bytes and
// before any file, are read, and what was read is put back for the handler.
func formCSRF(r *http.Request) (string, error) {
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && ct == "multipart/form-data" {
		return multipartCSRF(r, params["boundary"])
	}
	if err := r.ParseForm(); err != nil {
		return "", err
	}
	return r.PostForm.Get("csrf"), nil
}

func multipartCSRF(r *http.Request, boundary string) (string, error) {
	if boundary == "" || r.Body == nil {
		return "", nil
	}
	body := r.Body
	var seen bytes.Buffer
	defer func() {
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(&seen, body), body}
	}()
	mr := multipart.NewReader(io.TeeReader(io.LimitReader(body, csrfPrefixMax), &seen), boundary)
	for range csrfMaxParts {
		part, err := mr.NextPart()
		if err != nil {
			if isTooLarge(err) {
				return "", err
			}
			return "", nil
		}
		if part.FileName() != "" {
			return "", nil
		}
		if part.FormName() == "csrf" {
			b, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil && isTooLarge(err) {
				return "", err
			}
			return strings.TrimSpace(string(b)), nil
		}
	}
	return "", nil
}
