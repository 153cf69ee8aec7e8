package worker

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/lookup"
	"shequ/internal/platform/measure"
	"shequ/internal/platform/pii"
)

// Who may do what in this slice.
var (
	// ReadRoles may list and read workers in their area.
	ReadRoles = auth.AreaStaff()
	// EditRoles may create, change and close them, and import.
	EditRoles = auth.OfficeStaff()
)

// Service holds the rules of the worker registry.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Measures *measure.Store
	Search   *lookup.Guard // exact searches by phone or ID number
	Now      func() time.Time
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring) *Service {
	return &Service{DB: d, Store: &Store{DB: d, Keys: keys}, Audit: a, Measures: &measure.Store{DB: d}, Search: lookup.New(d, a, keys), Now: time.Now}
}

// today is the date in China, where a day in post begins and ends.
func (s *Service) today() string { return s.Now().In(calendar.China).Format(DateLayout) }

func (s *Service) year() int { return s.Now().In(calendar.China).Year() }

// Today is the service's date (YYYY-MM-DD, China time).
func (s *Service) Today() string { return s.today() }

// List returns one page of the workers the filter selects inside the
// caller's area. Errors: EINVALID (a bad filter), EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]Worker, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := s.checkFilter(ctx, &f); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.list(ctx, f, s.today())
}

// checkFilter checks a list's or an export's filter and lets a search by
// phone or ID number through the guard (whole values, a reason, the
// account's limit, the audit record). Errors: EINVALID, ETOOMANY.
func (s *Service) checkFilter(ctx context.Context, f *Filter) error {
	if err := f.check(s.Now()); err != nil {
		return err
	}
	var terms []lookup.Term
	if f.Phone != "" {
		terms = append(terms, lookup.Term{Field: "phone", Value: f.Phone})
	}
	if f.IDNumber != "" {
		terms = append(terms, lookup.Term{Field: "id_number", Value: f.IDNumber})
	}
	if len(terms) == 0 {
		return nil
	}
	return s.Search.Allow(ctx, "worker.search", "worker", terms, f.Reason)
}

func (f *Filter) check(now time.Time) error {
	var bad errs.Fields
	f.Q = strings.TrimSpace(f.Q)
	if f.Phone = NormalizePhone(f.Phone); f.Phone != "" && !ValidPhone(f.Phone) {
		bad.Add("phone", "lookup.phone_whole")
	}
	if f.IDNumber = strings.TrimSpace(f.IDNumber); f.IDNumber != "" {
		var ok bool
		if f.IDNumber, ok = lookup.WholeIDNumber(f.IDNumber, now); !ok {
			bad.Add("id_number", "lookup.id_whole")
		}
	}
	bad.MaxLen("q", f.Q, 50)
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "worker.code_format")
	}
	bad.OneOf("post", f.Post, Posts)
	bad.OneOf("status", f.Status, Statuses)
	return bad.Err()
}

// Get returns a worker with its training records. A worker outside the
// caller's area answers ENOTFOUND and the refusal is audited. Errors:
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Get(ctx context.Context, id int64) (*Worker, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	r, err := s.get(ctx, id, "worker.read")
	if err != nil {
		return nil, err
	}
	w, err := s.Store.masked(r, s.today())
	if err != nil {
		return nil, err
	}
	if w.Trainings, err = s.Store.trainings(ctx, id); err != nil {
		return nil, err
	}
	return &w, nil
}

// get reads a worker in the caller's area, auditing a refusal.
func (s *Service) get(ctx context.Context, id int64, action string) (*row, error) {
	r, err := s.Store.get(ctx, id)
	return r, s.Audit.RefusedOutside(ctx, err, action, "worker", id, s.Store.exists)
}

// flat renders a worker for the audit log, personal data masked.
func flat(r *record) map[string]string {
	return map[string]string{
		"community_code":          r.CommunityCode,
		"name":                    r.Name,
		"phone":                   pii.Mask(r.Phone),
		"id_number":               pii.MaskIDNumber(r.IDNumber),
		"post":                    r.Post,
		"in_post_from":            r.InPostFrom,
		"in_post_to":              r.InPostTo,
		"certified_social_worker": strconv.FormatBool(r.CertifiedSocialWorker),
		"disaster_officer":        strconv.FormatBool(r.DisasterOfficer),
	}
}

// diff returns the fields that changed, before and after. The phone and ID
// number count as changed when their plaintext did, though both sides may
// mask alike.
func diff(before, after *record) (map[string]string, map[string]string) {
	b, a := flat(before), flat(after)
	ob, oa := audit.Changes(b, a)
	if before.Phone != after.Phone {
		ob["phone"], oa["phone"] = b["phone"], a["phone"]
	}
	if before.IDNumber != after.IDNumber {
		ob["id_number"], oa["id_number"] = b["id_number"], a["id_number"]
	}
	return ob, oa
}

// checkCommunity adds a field error unless code is a community inside the
// caller's area.
func (s *Service) checkCommunity(ctx context.Context, code string, bad *errs.Fields) error {
	if code == "" {
		return nil
	}
	_, err := s.Store.community(ctx, code)
	return bad.Missing(err, "community_code", "worker.community_not_found", code)
}

// Create adds a worker. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Create(ctx context.Context, p WorkerPatch) (*Worker, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		r := p.apply(record{})
		bad := r.validate()
		if err := s.checkCommunity(ctx, r.CommunityCode, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		var err error
		if id, err = s.insert(ctx, &r); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "worker.create", ObjectType: "worker", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"after": flat(&r)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// insert stores a valid new worker and moves the measures.
func (s *Service) insert(ctx context.Context, r *record) (int64, error) {
	now := s.Now().UTC().Truncate(time.Microsecond)
	id, err := s.Store.insert(ctx, r, auth.From(ctx).Name, now)
	if err != nil {
		return 0, err
	}
	years := map[int]bool{}
	s.yearsOf(years, r.InPostFrom, r.InPostTo)
	return id, s.refresh(ctx, map[string]bool{r.CommunityCode: true}, years)
}

// Update changes a worker: any field, including the end of its time in
// post (in_post_to), which is how a worker is closed; nothing is deleted.
// Errors: EINVALID, ECONFLICT (version), ENOTFOUND, EFORBIDDEN.
func (s *Service) Update(ctx context.Context, id int64, p WorkerPatch) (*Worker, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.get(ctx, id, "worker.update")
		if err != nil {
			return err
		}
		before, err := s.Store.open(cur)
		if err != nil {
			return err
		}
		if p.Version != nil && *p.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		after := p.apply(before)
		bad := after.validate()
		if after.CommunityCode != before.CommunityCode {
			if err := s.checkCommunity(ctx, after.CommunityCode, &bad); err != nil {
				return err
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		b, a := diff(&before, &after)
		if len(a) == 0 {
			return nil
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		if err := s.Store.update(ctx, &after, before.Version, auth.From(ctx).Name, now); err != nil {
			return err
		}
		years := map[int]bool{}
		s.yearsOf(years, before.InPostFrom, before.InPostTo)
		s.yearsOf(years, after.InPostFrom, after.InPostTo)
		if err := s.refresh(ctx, map[string]bool{before.CommunityCode: true, after.CommunityCode: true}, years); err != nil {
			return err
		}
		action := "worker.update"
		if before.InPostTo == "" && after.InPostTo != "" {
			action = "worker.close"
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "worker", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"before": b, "after": a}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Close ends a worker's time in post on a day. Errors as Update.
func (s *Service) Close(ctx context.Context, id int64, on string, version *int) (*Worker, error) {
	on = strings.TrimSpace(on)
	if on == "" {
		return nil, errs.Invalid(errs.Field("in_post_to", "error.required"))
	}
	return s.Update(ctx, id, WorkerPatch{InPostTo: &on, Version: version})
}

// AddTraining records a training of a worker. Errors: EINVALID,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) AddTraining(ctx context.Context, id int64, in TrainingInput) (*Training, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var out *Training
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.get(ctx, id, "worker.training.add")
		if err != nil {
			return err
		}
		if err := in.validate(s.today()).Err(); err != nil {
			return err
		}
		tid, err := s.Store.addTraining(ctx, id, in, s.Now().UTC().Truncate(time.Microsecond))
		if err != nil {
			return err
		}
		out = &Training{ID: tid, WorkerID: id, Course: in.Course, Hours: in.Hours, Date: in.Date, Level: in.Level}
		y, _ := strconv.Atoi(in.Date[:4])
		if err := s.refresh(ctx, map[string]bool{cur.CommunityCode: true}, map[int]bool{y: true}); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "worker.training.add", ObjectType: "worker", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"after": trainingMap(out)}})
	})
	return out, err
}

func trainingMap(t *Training) map[string]string {
	return map[string]string{"training_id": strconv.FormatInt(t.ID, 10), "course": t.Course,
		"hours": strconv.FormatFloat(t.Hours, 'f', -1, 64), "date": t.Date, "level": t.Level}
}

// RemoveTraining deletes a training record entered by mistake. Errors:
// ENOTFOUND, EFORBIDDEN.
func (s *Service) RemoveTraining(ctx context.Context, id, trainingID int64) error {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.get(ctx, id, "worker.training.remove")
		if err != nil {
			return err
		}
		t, err := s.Store.training(ctx, id, trainingID)
		if err != nil {
			return err
		}
		if err := s.Store.removeTraining(ctx, id, trainingID); err != nil {
			return err
		}
		y, _ := strconv.Atoi(t.Date[:4])
		if err := s.refresh(ctx, map[string]bool{cur.CommunityCode: true}, map[int]bool{y: true}); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "worker.training.remove", ObjectType: "worker", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"before": trainingMap(t)}})
	})
}

// PostLabel is the translation key of a post.
func PostLabel(post string) string { return fmt.Sprintf("worker.post.%s", post) }

// Seed is a worker for a bulk load (the demo), personal data in plaintext.
type Seed struct {
	CommunityCode, Name, Phone, IDNumber, Post, InPostFrom, InPostTo string
	CertifiedSocialWorker, DisasterOfficer                           bool
	Trainings                                                        []TrainingInput
}

// Load adds many workers in one transaction, checks each as Create does,
// rebuilds the measures of every kept year and writes one audit record.
// Only the system (the CLI, the demo) may load. Errors: EINVALID (naming
// the seed's position as its row), EFORBIDDEN.
func (s *Service) Load(ctx context.Context, seeds []Seed) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	today := s.today()
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.Now().UTC().Truncate(time.Microsecond)
		trainings := 0
		for i, sd := range seeds {
			r := record{CommunityCode: sd.CommunityCode, Name: sd.Name, Phone: sd.Phone, IDNumber: sd.IDNumber, Post: sd.Post,
				InPostFrom: sd.InPostFrom, InPostTo: sd.InPostTo, CertifiedSocialWorker: sd.CertifiedSocialWorker, DisasterOfficer: sd.DisasterOfficer}
			if bad := r.validate(); len(bad) > 0 {
				for j := range bad {
					bad[j].Row = i + 1
				}
				return bad.Err()
			}
			id, err := s.Store.insert(ctx, &r, "demo", now)
			if err != nil {
				return err
			}
			for _, t := range sd.Trainings {
				if bad := t.validate(today); len(bad) > 0 {
					return bad.Err()
				}
				if _, err := s.Store.addTraining(ctx, id, t, now); err != nil {
					return err
				}
				trainings++
			}
		}
		if err := s.Reconcile(ctx, true); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "worker.load", ObjectType: "worker", ObjectID: "*",
			Detail: map[string]int{"workers": len(seeds), "trainings": trainings}})
	})
}
