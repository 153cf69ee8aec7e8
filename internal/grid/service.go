package grid

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/upload"
)

// Who may do what in this slice.
var (
	// ReadRoles may list grids, patrols and figures in their area.
	ReadRoles = auth.AreaStaff()
	// EditRoles may create, change and import grids.
	EditRoles = auth.OfficeStaff()
	// PatrolRoles patrol the grids they are assigned to.
	PatrolRoles = []auth.Role{auth.GridWorker}
)

// PhotoOwner is the owner name of patrol photos in the blob store.
const PhotoOwner = "grid.patrol"

// Service holds the rules of grids and patrols.
type Service struct {
	DB     *db.DB
	Store  *Store
	Audit  *audit.Log
	Blobs  *upload.Store
	Photos upload.Config
	// Requests files reported events as requests; set in internal/app.
	// Nil refuses reporting (409) and leaves resolving on the spot.
	Requests Requests
	Now      func() time.Time
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring) *Service {
	return &Service{DB: d, Store: &Store{DB: d, Keys: keys}, Audit: a, Blobs: upload.NewStore(d),
		Photos: upload.Config{MaxBytes: 8 << 20, Types: []string{upload.JPEG, upload.PNG}}, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// month is the month (YYYY-MM, China time) of t.
func month(t time.Time) string { return t.In(calendar.China).Format("2006-01") }

// List returns one page of the grids the filter selects inside the
// caller's area. Errors: EINVALID, EFORBIDDEN.
func (s *Service) List(ctx context.Context, f GridFilter) ([]Grid, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.list(ctx, f)
}

// Get returns a grid, its heads masked. One outside the caller's area
// answers ENOTFOUND and the refusal is audited. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Get(ctx context.Context, id int64) (*Grid, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.get(ctx, id, "grid.read")
}

func (s *Service) get(ctx context.Context, id int64, action string) (*Grid, error) {
	g, err := s.Store.get(ctx, id)
	if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, "grids", id) {
		s.Audit.Refused(ctx, action, "grid", id, audit.OutsideArea)
	}
	return g, err
}

// prepare checks a grid's input in ctx's transaction: the fields, the
// community in the caller's area, the number free in it and the workers
// grid workers of the community. It returns the workers' account ids.
func (s *Service) prepare(ctx context.Context, in *GridInput, except int64) ([]int64, errs.Fields, error) {
	bad := in.check()
	if has(bad, "community_code") {
		return nil, bad, nil
	}
	if _, err := s.Store.community(ctx, in.CommunityCode); err != nil {
		if errs.Code(err) != errs.ENOTFOUND {
			return nil, nil, err
		}
		bad.Add("community_code", "grid.community_not_found", in.CommunityCode)
		return nil, bad, nil
	}
	if !has(bad, "grid_number") {
		taken, err := s.Store.numberTaken(ctx, in.CommunityCode, in.Number, except)
		if err != nil {
			return nil, nil, err
		}
		if taken {
			bad.Add("grid_number", "grid.number_taken", GridCode(in.CommunityCode, in.Number))
		}
	}
	logins := make([]string, 0, len(in.Workers))
	for _, w := range in.Workers {
		if w = strings.TrimSpace(w); w != "" && !slices.Contains(logins, w) {
			logins = append(logins, w)
		}
	}
	found, err := s.Store.gridWorkers(ctx, in.CommunityCode, logins)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, 0, len(logins))
	for _, l := range logins {
		id, ok := found[l]
		if !ok {
			bad.Add("workers", "grid.not_grid_worker", l)
			continue
		}
		ids = append(ids, id)
	}
	in.Workers = logins
	return ids, bad, nil
}

// flat renders a grid's input for the audit log, the heads masked.
func flat(in *GridInput) map[string]any {
	units := make([]string, len(in.Units))
	for i, u := range in.Units {
		units[i] = u.Kind + ":" + u.Name + ":" + pii.MaskName(u.HeadName) + ":" + pii.Mask(u.HeadPhone)
	}
	return map[string]any{"code": GridCode(in.CommunityCode, in.Number), "name": in.Name, "workers": in.Workers, "units": units}
}

// Create adds a grid. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Create(ctx context.Context, in GridInput) (*Grid, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		id, err = s.create(ctx, &in, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// create writes one checked grid in ctx's transaction; row names an
// import's row in its audit record.
func (s *Service) create(ctx context.Context, in *GridInput, row int) (int64, error) {
	workers, bad, err := s.prepare(ctx, in, 0)
	if err != nil {
		return 0, err
	}
	if err := bad.Err(); err != nil {
		return 0, err
	}
	id, err := s.Store.insert(ctx, in, auth.From(ctx).Name, s.now())
	if err != nil {
		return 0, err
	}
	if err := s.Store.replace(ctx, id, workers, in.Units); err != nil {
		return 0, err
	}
	detail := map[string]any{"after": flat(in)}
	if row > 0 {
		detail["import_row"] = row
	}
	return id, s.Audit.Write(ctx, audit.Entry{Action: "grid.create", ObjectType: "grid", ObjectID: strconv.FormatInt(id, 10), Detail: detail})
}

// Update replaces a grid's number, name, workers and units; the community
// stays. A unit whose head fields come back masked keeps its stored head.
// Errors: EINVALID, ECONFLICT (version), ENOTFOUND, EFORBIDDEN.
func (s *Service) Update(ctx context.Context, id int64, in GridInput) (*Grid, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.get(ctx, id, "grid.update")
		if err != nil {
			return err
		}
		if in.Version != 0 && in.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		in.CommunityCode = before.CommunityCode
		stored, err := s.Store.Units(ctx, id)
		if err != nil {
			return err
		}
		for i := range in.Units {
			u := &in.Units[i]
			if i < len(stored) && u.HeadName != "" && u.HeadName == pii.MaskName(stored[i].HeadName) {
				u.HeadName = stored[i].HeadName
			}
			if i < len(stored) && u.HeadPhone != "" && u.HeadPhone == pii.Mask(stored[i].HeadPhone) {
				u.HeadPhone = stored[i].HeadPhone
			}
		}
		workers, bad, err := s.prepare(ctx, &in, id)
		if err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if err := s.Store.update(ctx, id, &in, before.Version, auth.From(ctx).Name, s.now()); err != nil {
			return err
		}
		if err := s.Store.replace(ctx, id, workers, in.Units); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "grid.update", ObjectType: "grid", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"after": flat(&in)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// RevealHeads returns a grid's units with their heads' names and phones
// in full, for staff of the grid's area who give a reason (a grid worker
// calling a building head); each reveal is audited with the reason.
// Errors: EINVALID (reason), ENOTFOUND, EFORBIDDEN.
func (s *Service) RevealHeads(ctx context.Context, id int64, reason string) ([]GridUnit, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch n := len([]rune(reason)); {
	case n < 2:
		return nil, errs.Invalid(errs.Field("reason", "grid.reason_required"))
	case n > 200:
		return nil, errs.Invalid(errs.Field("reason", "error.too_long", 200))
	}
	var out []GridUnit
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.get(ctx, id, "grid.reveal"); err != nil {
			return err
		}
		var err error
		if out, err = s.Store.Units(ctx, id); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "grid.reveal", ObjectType: "grid", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"reason": reason, "units": len(out)}})
	})
	if out == nil {
		out = []GridUnit{}
	}
	return out, err
}
