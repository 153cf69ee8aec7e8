// Package open311 serves Open311 GeoReport v2 over the request service:
// the category tree, requests by number or by filters, and intake.
package open311

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/request"
)

// Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2):
//
//	GET  services.{json,xml}           the category tree (public)
//	GET  requests.{json,xml}           filters service_request_id, service_code,
//	                                   start_date, end_date, status (api_key)
//	POST requests.{json,xml}           create a request (api_key)
//	GET  requests/{id}.{json,xml}      one request (api_key)
//
// api_key is one of our bearer tokens (a form or query parameter, or the
// Authorization header); requests are read with that account's reach, so
// a resident sees their own, a unit those dispatched to it, staff their
// area. Requests have no coordinates here: the place is the community,
// sent and returned as address_id (its 12-digit division code); without
// it, Places finds the community from address_string and lat/long.
// service_request_id is the request number; expected_datetime is the
// resolution deadline. Errors are in Open311's format with its codes.

// Service serves GeoReport v2 over the request service: it reads and
// files requests only through it, with the caller's reach.
type Service struct {
	Requests *request.Service
	// Places finds the community when address_id is not sent.
	Places Places
}

// NewService makes the Open311 service over the request service and the
// resolver of addresses and points.
func NewService(r *request.Service, places Places) *Service {
	return &Service{Requests: r, Places: places}
}

// handlers are the routes' handlers on one server (api_key resolution,
// client address).
type handlers struct {
	S   *Service
	Srv *web.Server
	// Places finds the community when address_id is not sent: from
	// address_string, or lat/long narrowed by it (division.Places).
	Places Places
}

// Places resolves an address string or a point to a community's code;
// its errors name the field to fix and what to send.
type Places interface {
	Resolve(ctx context.Context, address string, lat, long *float64) (string, error)
}

// Open311 limits: a list answers at most 1000 requests and defaults to
// the last 90 days, as the specification suggests.
const (
	open311MaxResults  = 1000
	open311DefaultDays = 90
)

// Register adds the routes; they are API routes (no CSRF: an api_key is
// not sent by a browser on its own).
func (s *Service) Register(srv *web.Server) {
	o := &handlers{S: s, Srv: srv, Places: s.Places}
	for _, f := range []string{"json", "xml"} {
		f := f
		srv.Mux.HandleFunc("GET /open311/v2/services."+f, func(w http.ResponseWriter, r *http.Request) { o.services(w, r, f) })
		srv.Mux.HandleFunc("GET /open311/v2/requests."+f, func(w http.ResponseWriter, r *http.Request) { o.list(w, r, f) })
		srv.Mux.HandleFunc("POST /open311/v2/requests."+f, func(w http.ResponseWriter, r *http.Request) { o.create(w, r, f) })
	}
	srv.Mux.HandleFunc("GET /open311/v2/requests/{file}", o.one)
}

// open311Error is one error of Open311's error list.
type open311Error struct {
	XMLName     xml.Name `xml:"error" json:"-"`
	Code        int      `xml:"code" json:"code"`
	Description string   `xml:"description" json:"description"`
}

type open311Errors struct {
	XMLName xml.Name       `xml:"errors"`
	Errors  []open311Error `xml:"error"`
}

func write311(w http.ResponseWriter, format string, status int, v any) {
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(xml.Header))
		enc := xml.NewEncoder(w)
		enc.Indent("", "  ")
		_ = enc.Encode(v)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fail writes err as Open311 errors: invalid input 400 (one error per
// field), a bad api_key 403, not found 404, others by their code.
func (o *handlers) fail(w http.ResponseWriter, r *http.Request, format string, err error) {
	lang := i18n.From(r.Context())
	e := errs.As(err)
	status := errs.Status(err)
	switch e.Code {
	case errs.EINVALID:
		status = http.StatusBadRequest
	case errs.EUNAUTHORIZED:
		status = http.StatusForbidden
	case errs.EINTERNAL:
		slog.Error("open311", "path", r.URL.Path, "err", err)
	}
	var list []open311Error
	for _, f := range e.Fields {
		list = append(list, open311Error{Code: status, Description: i18n.FieldMessage(lang, f)})
	}
	if len(list) == 0 {
		list = []open311Error{{Code: status, Description: i18n.ErrorMessage(lang, err)}}
	}
	if format == "xml" {
		write311(w, format, status, open311Errors{Errors: list})
		return
	}
	write311(w, format, status, list)
}

// principal resolves the api_key (or a bearer token or session already
// resolved by the server) to the caller.
func (o *handlers) principal(r *http.Request) (context.Context, error) {
	ctx := r.Context()
	key := r.URL.Query().Get("api_key")
	if r.Method == http.MethodPost {
		if v := r.PostFormValue("api_key"); v != "" {
			key = v
		}
	}
	if key == "" {
		if auth.From(ctx) != nil {
			return ctx, nil
		}
		return nil, errs.E(errs.EUNAUTHORIZED, "request.open311.api_key")
	}
	acc, err := o.Srv.Sessions.ResolveToken(ctx, key)
	if err != nil {
		return nil, errs.E(errs.EUNAUTHORIZED, "request.open311.api_key")
	}
	p := acc.Principal(o.Srv.ClientAddr(r), "")
	return auth.With(ctx, p), nil
}

type open311Service struct {
	XMLName     xml.Name `xml:"service" json:"-"`
	ServiceCode string   `xml:"service_code" json:"service_code"`
	ServiceName string   `xml:"service_name" json:"service_name"`
	Description string   `xml:"description" json:"description"`
	Metadata    bool     `xml:"metadata" json:"metadata"`
	Type        string   `xml:"type" json:"type"`
	Keywords    string   `xml:"keywords" json:"keywords"`
	Group       string   `xml:"group" json:"group"`
}

type open311Services struct {
	XMLName  xml.Name         `xml:"services"`
	Services []open311Service `xml:"service"`
}

func open311Lang(r *http.Request) string {
	if i18n.From(r.Context()) == "en" {
		return "en"
	}
	return "zh"
}

// services lists every category of the tree; a category's group is its
// parent's name.
func (o *handlers) services(w http.ResponseWriter, r *http.Request, format string) {
	cs, err := o.S.Requests.PublicCategories(r.Context())
	if err != nil {
		o.fail(w, r, format, err)
		return
	}
	lang := open311Lang(r)
	names := map[string]string{}
	for i := range cs {
		names[cs[i].Code] = cs[i].Name(lang)
	}
	out := []open311Service{}
	for i := range cs {
		c := &cs[i]
		g := names[c.ParentCode]
		if c.ParentCode == "" {
			g = c.Name(lang)
		}
		out = append(out, open311Service{ServiceCode: c.Code, ServiceName: c.Name(lang), Description: c.Name(lang),
			Type: "realtime", Keywords: c.Urgency, Group: g})
	}
	if format == "xml" {
		write311(w, format, http.StatusOK, open311Services{Services: out})
		return
	}
	write311(w, format, http.StatusOK, out)
}

// open311Request is a request in GeoReport v2's shape.
type open311Request struct {
	XMLName           xml.Name `xml:"request" json:"-"`
	ServiceRequestID  string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       string   `xml:"status_notes" json:"status_notes"`
	ServiceName       string   `xml:"service_name" json:"service_name"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       string   `xml:"description" json:"description"`
	AgencyResponsible string   `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string   `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  string   `xml:"expected_datetime" json:"expected_datetime"`
	Address           string   `xml:"address" json:"address"`
	AddressID         string   `xml:"address_id" json:"address_id"`
	Zipcode           string   `xml:"zipcode" json:"zipcode"`
	Lat               *float64 `xml:"lat" json:"lat"`
	Long              *float64 `xml:"long" json:"long"`
	MediaURL          string   `xml:"media_url" json:"media_url"`
}

type open311Requests struct {
	XMLName  xml.Name         `xml:"service_requests"`
	Requests []open311Request `xml:"request"`
}

// w3 is the W3C datetime Open311 uses, in China time.
func w3(t time.Time) string { return t.In(calendar.China).Format(time.RFC3339) }

func toOpen311(r *request.Request) open311Request {
	st := "open"
	if r.Status == request.StatusClosed {
		st = "closed"
	}
	return open311Request{ServiceRequestID: r.Number, Status: st, StatusNotes: r.Reply, ServiceName: r.CategoryName,
		ServiceCode: r.CategoryCode, Description: r.Description, AgencyResponsible: r.UnitName,
		RequestedDatetime: w3(r.CreatedAt), UpdatedDatetime: w3(r.UpdatedAt), ExpectedDatetime: w3(r.ResolutionDue),
		Address: strings.TrimSpace(r.DivisionName + " " + r.Address), AddressID: r.DivisionCode}
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func parseW3(s string) (time.Time, bool) {
	for _, f := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// list answers GET requests with the filters of the specification: with
// service_request_id (a comma list) the others are ignored; otherwise
// service_code (comma list), start_date and end_date (W3C datetimes; the
// last 90 days by default) and status (open, closed), newest first, at
// most 1000.
func (o *handlers) list(w http.ResponseWriter, r *http.Request, format string) {
	ctx, err := o.principal(r)
	if err != nil {
		o.fail(w, r, format, err)
		return
	}
	if _, err := auth.Require(ctx, request.ReadRoles...); err != nil {
		o.fail(w, r, format, err)
		return
	}
	q := r.URL.Query()
	sel := request.Selection{Limit: open311MaxResults}
	var fe errs.Fields
	if ids := splitList(q.Get("service_request_id")); len(ids) > 0 {
		if len(ids) > open311MaxResults {
			fe.Add("service_request_id", "request.open311.too_many_ids", open311MaxResults)
		}
		for _, n := range ids {
			id, _, ok := request.ParseNumber(n)
			if !ok {
				fe.Add("service_request_id", "request.bad_number")
				break
			}
			sel.IDs = append(sel.IDs, id)
		}
	} else {
		end := o.S.Requests.Now().UTC().Truncate(time.Microsecond)
		if v := q.Get("end_date"); v != "" {
			t, ok := parseW3(v)
			if !ok {
				fe.Add("end_date", "request.open311.bad_date")
			}
			end = t
		}
		start := end.Add(-open311DefaultDays * 24 * time.Hour)
		if v := q.Get("start_date"); v != "" {
			t, ok := parseW3(v)
			if !ok {
				fe.Add("start_date", "request.open311.bad_date")
			}
			start = t
		}
		if codes := splitList(q.Get("service_code")); len(codes) > 0 {
			if len(codes) > 100 {
				fe.Add("service_code", "request.open311.too_many_codes")
			} else {
				sel.Categories = codes
			}
		}
		switch strings.Join(splitList(q.Get("status")), ",") {
		case "", "open,closed", "closed,open":
		case "open":
			sel.Open = true
		case "closed":
			sel.Closed = true
		default:
			fe.Add("status", "error.one_of", "open, closed")
		}
		sel.From, sel.To = start, end
	}
	if err := fe.Err(); err != nil {
		o.fail(w, r, format, err)
		return
	}
	reqs, err := o.S.Requests.Select(ctx, sel)
	if err != nil {
		o.fail(w, r, format, err)
		return
	}
	out := []open311Request{}
	for i := range reqs {
		out = append(out, toOpen311(&reqs[i]))
	}
	if format == "xml" {
		write311(w, format, http.StatusOK, open311Requests{Requests: out})
		return
	}
	write311(w, format, http.StatusOK, out)
}

// one answers GET requests/{id}.{format}: a list of one, as specified.
func (o *handlers) one(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	number, format := file, ""
	if i := strings.LastIndex(file, "."); i >= 0 {
		number, format = file[:i], file[i+1:]
	}
	if format != "json" && format != "xml" {
		o.fail(w, r, "json", errs.NotFound("error.not_found"))
		return
	}
	ctx, err := o.principal(r)
	if err != nil {
		o.fail(w, r, format, err)
		return
	}
	req, err := o.S.Requests.ByNumber(ctx, number)
	if err != nil {
		if errs.Code(err) == errs.EINVALID {
			err = errs.NotFound("error.not_found")
		}
		o.fail(w, r, format, err)
		return
	}
	out := []open311Request{toOpen311(req)}
	if format == "xml" {
		write311(w, format, http.StatusOK, open311Requests{Requests: out})
		return
	}
	write311(w, format, http.StatusOK, out)
}

// point reads lat and long, both or neither.
func point(lat, long string, fe *errs.Fields) (*float64, *float64) {
	lat, long = strings.TrimSpace(lat), strings.TrimSpace(long)
	if lat == "" && long == "" {
		return nil, nil
	}
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(long, 64)
	if err1 != nil {
		fe.Add("lat", "division.place.coordinate")
	}
	if err2 != nil {
		fe.Add("long", "division.place.coordinate")
	}
	if err1 != nil || err2 != nil {
		return nil, nil
	}
	return &la, &lo
}

// open311Fields are the Open311 names of the core's fields.
var open311Fields = map[string]string{"division_code": "address_id", "category_code": "service_code", "address": "address_string"}

type open311Created struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID string   `xml:"service_request_id" json:"service_request_id"`
	ServiceNotice    string   `xml:"service_notice" json:"service_notice"`
	AccountID        *string  `xml:"-" json:"account_id"`
	AccountIDXML     string   `xml:"account_id" json:"-"` // always present, empty: we keep no Open311 accounts
}

type open311CreatedList struct {
	XMLName  xml.Name         `xml:"service_requests"`
	Requests []open311Created `xml:"request"`
}

// create answers POST requests: service_code, description, address_id
// (the community's division code) or, without it, address_string (the
// community's name or path) and/or lat/long (the county, narrowed to a
// community by address_string), first_name, last_name, phone; email,
// device_id, account_id and media_url are accepted and not kept.
func (o *handlers) create(w http.ResponseWriter, r *http.Request, format string) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		o.fail(w, r, format, errs.E(errs.EINVALID, "error.bad_request"))
		return
	}
	ctx, err := o.principal(r)
	if err != nil {
		o.fail(w, r, format, err)
		return
	}
	v := r.PostForm
	var fe errs.Fields
	if v.Get("service_code") == "" {
		fe.Add("service_code", "error.required")
	}
	code := strings.TrimSpace(v.Get("address_id"))
	lat, long := point(v.Get("lat"), v.Get("long"), &fe)
	switch {
	case code != "":
	case o.Places == nil:
		fe.Add("address_id", "request.open311.address_id")
	case strings.TrimSpace(v.Get("address_string")) == "" && lat == nil:
		fe.Add("address_id", "division.place.required")
	}
	if err := fe.Err(); err != nil {
		o.fail(w, r, format, err)
		return
	}
	if code == "" {
		if code, err = o.Places.Resolve(ctx, v.Get("address_string"), lat, long); err != nil {
			o.fail(w, r, format, err)
			return
		}
	}
	in := request.Intake{
		DivisionCode: code,
		CategoryCode: strings.TrimSpace(v.Get("service_code")),
		Description:  v.Get("description"),
		Address:      v.Get("address_string"),
		ContactName:  strings.TrimSpace(v.Get("last_name") + v.Get("first_name")),
		Phone:        v.Get("phone"),
		Channel:      request.ChannelOpen311,
	}
	req, err := o.S.Requests.Create(ctx, in)
	if err != nil {
		// The core names the fields of its model; say them as Open311's.
		if e := errs.As(err); e.Code == errs.EINVALID {
			for i := range e.Fields {
				if n, ok := open311Fields[e.Fields[i].Field]; ok {
					e.Fields[i].Field = n
				}
			}
		}
		o.fail(w, r, format, err)
		return
	}
	out := []open311Created{{ServiceRequestID: req.Number, ServiceNotice: i18n.T(i18n.From(ctx), "request.open311.notice", w3(req.ResolutionDue))}}
	if format == "xml" {
		write311(w, format, http.StatusCreated, open311CreatedList{Requests: out})
		return
	}
	write311(w, format, http.StatusCreated, out)
}
