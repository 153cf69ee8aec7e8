package assessment

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
)

// Who may do what in this slice.
var (
	// DefineRoles define schemes: county staff for their county, city
	// staff for the city (a city-wide scheme), and publish their results.
	DefineRoles = []auth.Role{auth.CountyStaff, auth.CityStaff}
	// SelfRoles self-assess their community.
	SelfRoles = []auth.Role{auth.CommunityWorker}
	// ReviewRoles review the communities of their township.
	ReviewRoles = []auth.Role{auth.TownshipStaff}
	// ApproveRoles approve or return the assessments of their county.
	ApproveRoles = []auth.Role{auth.CountyStaff}
	// ReadRoles read schemes, the assessments of their area and the
	// published rankings.
	ReadRoles = auth.OfficeStaff()
)

// EvidenceOwner is the owner of the evidence images in upload_blobs.
const EvidenceOwner = "assessment.evidence"

// Evidence is what an evidence image may be.
var Evidence = upload.Config{MaxBytes: 8 << 20, Types: []string{upload.JPEG, upload.PNG}}

// MaxEvidence bounds the evidence images of one item.
const MaxEvidence = 10

// Service holds the rules of the assessment.
type Service struct {
	DB     *db.DB
	Store  *Store
	Audit  *audit.Log
	Blobs  *upload.Store
	Source Source
	Now    func() time.Time
}

// NewService makes the service; src reads the live figures.
func NewService(d *db.DB, a *audit.Log, blobs *upload.Store, src Source) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Blobs: blobs, Source: src, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// Year is this year in China.
func (s *Service) Year() int { return s.Now().In(calendar.China).Year() }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// above lists the city and county codes above a township or community
// code (the divisions whose schemes cover it).
func above(code string) []string {
	if !division.ValidCode(code) {
		return nil
	}
	c := division.Code(code)
	var out []string
	for _, l := range []int{division.City, division.County} {
		if c.Level() > l {
			out = append(out, c.At(l))
		}
	}
	return out
}

// Metrics lists what a computed item may read.
func (s *Service) Metrics() []AssessmentMetric {
	if s.Source == nil {
		return nil
	}
	return s.Source.Metrics()
}

func (s *Service) knownMetric(code string) bool {
	return slices.ContainsFunc(s.Metrics(), func(m AssessmentMetric) bool { return m.Code == code })
}

// CreateScheme defines a scheme for a year at the caller's county (or, for
// city staff, the city), with its items when given (their weights must
// then sum to 100). Errors: EINVALID, ECONFLICT (one a year), EFORBIDDEN.
func (s *Service) CreateScheme(ctx context.Context, in AssessmentSchemeInput) (*AssessmentScheme, error) {
	p, err := auth.Require(ctx, DefineRoles...)
	if err != nil {
		return nil, err
	}
	var bad errs.Fields
	in.Name, in.DivisionCode = strings.TrimSpace(in.Name), strings.TrimSpace(in.DivisionCode)
	if in.DivisionCode == "" {
		in.DivisionCode = p.Area.Code
	}
	if in.DivisionCode != p.Area.Code {
		bad.Add("division_code", "assessment.own_division")
	}
	switch n := len([]rune(in.Name)); {
	case n == 0:
		bad.Add("name", "error.required")
	case n > 100:
		bad.Add("name", "error.too_long", 100)
	}
	if in.Year < 2000 || in.Year > 2100 {
		bad.Add("year", "assessment.year_range")
	}
	sum := 0
	for i := range in.Items {
		for _, f := range in.Items[i].check(s.knownMetric) {
			f.Row = i + 1
			bad = append(bad, f)
		}
		sum += in.Items[i].Weight
	}
	if len(in.Items) > 0 && sum != Total {
		bad.Add("items", "assessment.weights_sum", sum)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var sid int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if sid, err = s.Store.insertScheme(ctx, in.DivisionCode, in.Year, in.Name, p.Display(), s.now()); err != nil {
			return err
		}
		for i, it := range in.Items {
			if _, err := s.Store.insertItem(ctx, sid, i+1, it); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "assessment.scheme.create", ObjectType: "assessment_scheme", ObjectID: id(sid),
			Detail: map[string]any{"division_code": in.DivisionCode, "year": in.Year, "items": len(in.Items)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Scheme(ctx, sid)
}

// AssessmentScheme returns a scheme visible to the caller. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Scheme(ctx context.Context, sid int64) (*AssessmentScheme, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.scheme(ctx, sid, "assessment.scheme.read")
}

func (s *Service) scheme(ctx context.Context, sid int64, action string) (*AssessmentScheme, error) {
	sc, err := s.Store.scheme(ctx, sid)
	return sc, s.Audit.RefusedOutside(ctx, err, action, "assessment_scheme", sid, s.Store.schemeExists)
}

// Schemes lists the schemes that cover or lie in the caller's area.
// Errors: EFORBIDDEN.
func (s *Service) Schemes(ctx context.Context, year int) ([]AssessmentScheme, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.Store.schemes(ctx, year)
}

// owned reads a scheme the caller defines (its division is the caller's
// area), for a change.
func (s *Service) owned(ctx context.Context, sid int64, action string) (*AssessmentScheme, error) {
	p, err := auth.Require(ctx, DefineRoles...)
	if err != nil {
		return nil, err
	}
	sc, err := s.scheme(ctx, sid, action)
	if err != nil {
		return nil, err
	}
	if sc.DivisionCode != p.Area.Code {
		return nil, errs.E(errs.EFORBIDDEN, "assessment.not_yours")
	}
	return sc, nil
}

// AddItem adds an item to a draft scheme; the weights may not pass 100.
// Errors: EINVALID, ECONFLICT (not a draft), ENOTFOUND, EFORBIDDEN.
func (s *Service) AddItem(ctx context.Context, sid int64, in AssessmentItemInput) (*AssessmentScheme, error) {
	if _, err := auth.Require(ctx, DefineRoles...); err != nil {
		return nil, err
	}
	if bad := in.check(s.knownMetric); len(bad) > 0 {
		return nil, bad.Err()
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		sc, err := s.owned(ctx, sid, "assessment.item.create")
		if err != nil {
			return err
		}
		if sc.State != Draft {
			return errs.Conflict("assessment.scheme_not_draft")
		}
		if sum := sc.WeightSum() + in.Weight; sum > Total {
			return errs.Invalid(errs.Field("weight", "assessment.weights_over", sum, Total-sc.WeightSum()))
		}
		pos := 1
		if n := len(sc.Items); n > 0 {
			pos = sc.Items[n-1].Position + 1
		}
		iid, err := s.Store.insertItem(ctx, sid, pos, in)
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "assessment.item.create", ObjectType: "assessment_scheme", ObjectID: id(sid),
			Detail: map[string]any{"item_id": iid, "name": in.Name, "weight": in.Weight, "method": in.Method, "metric": in.Metric, "rule": in.Rule}})
	})
	if err != nil {
		return nil, err
	}
	return s.Scheme(ctx, sid)
}

// RemoveItem removes an item from a draft scheme. Errors: ECONFLICT,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) RemoveItem(ctx context.Context, sid, item int64) (*AssessmentScheme, error) {
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		sc, err := s.owned(ctx, sid, "assessment.item.delete")
		if err != nil {
			return err
		}
		if sc.State != Draft {
			return errs.Conflict("assessment.scheme_not_draft")
		}
		if err := s.Store.deleteItem(ctx, sid, item); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "assessment.item.delete", ObjectType: "assessment_scheme", ObjectID: id(sid),
			Detail: map[string]any{"item_id": item}})
	})
	if err != nil {
		return nil, err
	}
	return s.Scheme(ctx, sid)
}

// OpenScheme opens a draft scheme to the communities; its weights must sum
// to 100. Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) OpenScheme(ctx context.Context, sid int64) (*AssessmentScheme, error) {
	return s.moveScheme(ctx, sid, Draft, Open, "opened_at", "assessment.scheme.open", func(sc *AssessmentScheme) error {
		if sum := sc.WeightSum(); sum != Total {
			return errs.Invalid(errs.Field("items", "assessment.weights_sum", sum))
		}
		return nil
	})
}

// PublishResults publishes an open scheme's results and ranks to every
// office account in its area. Errors: ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) PublishResults(ctx context.Context, sid int64) (*AssessmentScheme, error) {
	return s.moveScheme(ctx, sid, Open, Published, "published_at", "assessment.scheme.publish", func(*AssessmentScheme) error { return nil })
}

func (s *Service) moveScheme(ctx context.Context, sid int64, from, to, column, action string, check func(*AssessmentScheme) error) (*AssessmentScheme, error) {
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		sc, err := s.owned(ctx, sid, action)
		if err != nil {
			return err
		}
		if err := check(sc); err != nil {
			return err
		}
		if err := s.Store.setSchemeState(ctx, sid, from, to, column, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "assessment_scheme", ObjectID: id(sid),
			Detail: map[string]any{"year": sc.Year, "division_code": sc.DivisionCode}})
	})
	if err != nil {
		return nil, err
	}
	return s.Scheme(ctx, sid)
}

// AssessmentRanking ranks the approved assessments of a scheme's communities under a
// division (a township or a county; by default the caller's township, the
// caller's area, or the scheme's division when the area holds it): to township, county and city staff at any time, to
// community workers once the results are published. Errors: EINVALID,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Ranking(ctx context.Context, sid int64, code string) (*AssessmentRanking, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	sc, err := s.Scheme(ctx, sid)
	if err != nil {
		return nil, err
	}
	if code = strings.TrimSpace(code); code == "" {
		code = p.Area.Code
		switch {
		case p.Area.Contains(sc.DivisionCode): // the city's staff, a county's scheme
			code = sc.DivisionCode
		case division.Code(code).Level() == division.Community:
			code = division.Code(code).Township()
		}
	}
	if !division.ValidCode(code) || division.Code(code).Level() == division.Community {
		return nil, errs.Invalid(errs.Field("division", "assessment.rank_division"))
	}
	staff := p.Role != auth.CommunityWorker
	inside := p.Area.Contains(code) && staff
	holds := strings.HasPrefix(p.Area.Code, division.Code(code).Prefix())
	if !inside && !(holds && sc.State == Published) || !strings.HasPrefix(code, division.Code(sc.DivisionCode).Prefix()) {
		return nil, errs.NotFound("assessment.ranking_not_found", code)
	}
	lo, hi := division.Code(code).Range()
	rows, err := s.Store.ranking(ctx, sid, lo, hi)
	if err != nil {
		return nil, err
	}
	rankRows(rows)
	return &AssessmentRanking{Scheme: sc, SchemeID: sid, DivisionCode: code, Published: sc.State == Published, Rows: rows}, nil
}
