package grid

import (
	"context"
	"strconv"
	"strings"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
)

// MyGrids returns the grids the calling grid worker is assigned to and
// its patrol under way (0 when none). Errors: EFORBIDDEN.
func (s *Service) MyGrids(ctx context.Context) ([]Grid, int64, error) {
	p, err := auth.Require(ctx, PatrolRoles...)
	if err != nil {
		return nil, 0, err
	}
	gs, err := s.Store.assigned(ctx, p.UserID)
	if err != nil {
		return nil, 0, err
	}
	open, err := s.Store.openPatrol(ctx, p.UserID)
	return gs, open, err
}

// Start starts a patrol of a grid the calling grid worker is assigned to.
// A worker has one patrol under way at a time. Errors: ENOTFOUND (not
// assigned), ECONFLICT (a patrol under way), EFORBIDDEN.
func (s *Service) Start(ctx context.Context, gridID int64) (*GridPatrol, error) {
	p, err := auth.Require(ctx, PatrolRoles...)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		g, err := s.get(ctx, gridID, "grid.patrol_start")
		if err != nil {
			return err
		}
		ok, err := s.Store.isWorker(ctx, gridID, p.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.NotFound("grid.not_assigned", g.Code)
		}
		open, err := s.Store.openPatrol(ctx, p.UserID)
		if err != nil {
			return err
		}
		if open != 0 {
			return errs.Conflict("grid.patrol_busy")
		}
		now := s.now()
		if id, err = s.Store.insertPatrol(ctx, g, p, month(now), now); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "grid.patrol_start", ObjectType: "grid_patrol", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]string{"grid": g.Code}})
	})
	if err != nil {
		return nil, err
	}
	return s.Patrol(ctx, id)
}

// Patrol returns a patrol with its notes and events. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Service) Patrol(ctx context.Context, id int64) (*GridPatrol, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.patrol(ctx, id, "grid.patrol_read")
}

func (s *Service) patrol(ctx context.Context, id int64, action string) (*GridPatrol, error) {
	return s.read(ctx, id, action, s.Store.patrol)
}

// read reads a patrol with read (whole or its head only), auditing a
// refusal outside the caller's area.
func (s *Service) read(ctx context.Context, id int64, action string, read func(context.Context, int64) (*GridPatrol, error)) (*GridPatrol, error) {
	pt, err := read(ctx, id)
	if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, "grid_patrols", id) {
		s.Audit.Refused(ctx, action, "grid_patrol", id, audit.OutsideArea)
	}
	return pt, err
}

// own reads a patrol under way of the calling grid worker for a change
// in ctx's transaction. Errors: ENOTFOUND (another's), ECONFLICT (ended).
func (s *Service) own(ctx context.Context, id int64, action string) (*GridPatrol, error) {
	p, err := auth.Require(ctx, PatrolRoles...)
	if err != nil {
		return nil, err
	}
	pt, err := s.read(ctx, id, action, s.Store.patrolHead)
	if err != nil {
		return nil, err
	}
	if pt.WorkerID != p.UserID {
		return nil, errs.NotFound("grid.patrol_not_found", id)
	}
	if !pt.Open() {
		return nil, errs.Conflict("grid.patrol_ended")
	}
	return pt, nil
}

// AddNote adds a note, a photo or both to the caller's patrol under way.
// Errors: EINVALID, ENOTFOUND, ECONFLICT, EFORBIDDEN.
func (s *Service) AddNote(ctx context.Context, id int64, note string, photo *upload.File) error {
	if _, err := auth.Require(ctx, PatrolRoles...); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	switch {
	case note == "" && photo == nil:
		return errs.Invalid(errs.Field("note", "grid.note_or_photo"))
	case tooLong(note, maxText):
		return errs.Invalid(errs.Field("note", "error.too_long", maxText))
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		pt, err := s.own(ctx, id, "grid.patrol_note")
		if err != nil {
			return err
		}
		var photoID int64
		if photo != nil {
			if photoID, err = s.Blobs.Put(ctx, PhotoOwner, pt.CommunityCode, photo); err != nil {
				return err
			}
		}
		if err := s.Store.insertNote(ctx, id, note, photoID, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "grid.patrol_note", ObjectType: "grid_patrol", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"chars": len([]rune(note)), "photo": photoID}})
	})
}

// End ends the caller's patrol under way. Errors: ENOTFOUND, ECONFLICT,
// EFORBIDDEN.
func (s *Service) End(ctx context.Context, id int64) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.own(ctx, id, "grid.patrol_end"); err != nil {
			return err
		}
		if err := s.Store.endPatrol(ctx, id, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "grid.patrol_end", ObjectType: "grid_patrol", ObjectID: strconv.FormatInt(id, 10)})
	})
}

// AddEvent records an event found on the caller's patrol under way:
// reported, it is filed as a request (channel patrol) in the same
// transaction and keeps the request's number; resolved, it keeps the
// note of what was done and the optional photo. Errors: EINVALID,
// ENOTFOUND, ECONFLICT (patrol ended, or no request pipeline), EFORBIDDEN.
func (s *Service) AddEvent(ctx context.Context, id int64, in GridEventInput, photo *upload.File) (*GridEvent, error) {
	if _, err := auth.Require(ctx, PatrolRoles...); err != nil {
		return nil, err
	}
	if bad := in.check(); len(bad) > 0 {
		return nil, bad.Err()
	}
	if in.Outcome == Reported && s.Requests == nil {
		return nil, errs.Conflict("grid.no_requests")
	}
	var ev GridEvent
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		pt, err := s.own(ctx, id, "grid.event")
		if err != nil {
			return err
		}
		now := s.now()
		ev = GridEvent{PatrolID: id, CommunityCode: pt.CommunityCode, Kind: in.Kind, Description: in.Description, Outcome: in.Outcome,
			Resolution: in.Resolution, CreatedAt: now, CreatedBy: auth.From(ctx).Name}
		if photo != nil {
			if ev.PhotoID, err = s.Blobs.Put(ctx, PhotoOwner, pt.CommunityCode, photo); err != nil {
				return err
			}
		}
		if in.Outcome == Reported {
			ev.RequestID, ev.RequestNumber, err = s.Requests.FileFromPatrol(ctx, Report{EventKind: in.Kind, CommunityCode: pt.CommunityCode,
				GridCode: pt.GridCode, Description: in.Description})
			if err != nil {
				return err
			}
		}
		if ev.ID, err = s.Store.insertEvent(ctx, pt, month(pt.StartedAt), &ev); err != nil {
			return err
		}
		action := "grid.event_report"
		if in.Outcome == Resolved {
			action = "grid.event_resolve"
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "grid_event", ObjectID: strconv.FormatInt(ev.ID, 10),
			Detail: map[string]any{"patrol": id, "kind": in.Kind, "request": ev.RequestNumber}})
	})
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// Patrols returns one page of patrols in the caller's area, newest first;
// a grid worker sees its own. Errors: EFORBIDDEN.
func (s *Service) Patrols(ctx context.Context, f PatrolFilter) ([]GridPatrol, bool, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, false, err
	}
	if p.Role == auth.GridWorker {
		f.WorkerID = p.UserID
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.patrols(ctx, f)
}

// Photo returns a patrol photo of the caller's area. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Service) Photo(ctx context.Context, blobID int64) (*upload.Blob, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.Blobs.Get(ctx, PhotoOwner, blobID)
}

// PatrolOfRequest returns the page of the patrol whose event a request
// was filed from, "" when none or outside the caller's area.
func (s *Service) PatrolOfRequest(ctx context.Context, requestID int64) (string, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return "", nil
	}
	id, err := s.Store.eventOfRequest(ctx, requestID)
	if err != nil || id == 0 {
		return "", err
	}
	if _, err := s.Store.patrolHead(ctx, id); err != nil {
		return "", nil
	}
	return "/grid/patrols/" + strconv.FormatInt(id, 10), nil
}
