package emergency

import (
	"context"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// Send sends an alert to a division inside the sender's area, in one
// transaction: the alert; every resident account of the area gets it in
// its inbox (one INSERT … SELECT) and those who chose SMS get one queued;
// the residents reached are counted per community; every vulnerable person
// of the area becomes a task for the grid workers of their community, who
// are told in their inbox; and the audit record. A division outside the
// sender's area is refused (a field error) and the attempt audited.
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) Send(ctx context.Context, in AlertInput) (*Alert, error) {
	p, err := auth.Require(ctx, SendRoles...)
	if err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if err := s.inside(ctx, "emergency.alert.send", "area_code", in.AreaCode); err != nil {
		return nil, err
	}
	name, err := s.Store.divisionName(ctx, in.AreaCode)
	if err != nil {
		return nil, errs.Invalid(errs.Field("area_code", "emergency.division_not_found", in.AreaCode))
	}
	lo, hi := division.Code(in.AreaCode).Range()
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		if id, err = s.Store.insertAlert(ctx, in, p.UserID, p.Name, now); err != nil {
			return err
		}
		kind, level := i18n.Key("emergency.kind."+in.Kind), i18n.Key("emergency.level."+in.Level)
		residents, sms, err := s.Notify.ToRoleIn(ctx, auth.Resident, lo, hi, Notice{Key: "emergency.note.alert",
			Args: []any{level, kind, name, in.Body}, ID: id})
		if err != nil {
			return err
		}
		if err := s.Store.countReach(ctx, id, lo, hi); err != nil {
			return err
		}
		people, err := s.People.Vulnerable(ctx, lo, hi, now)
		if err != nil {
			return err
		}
		tasks := make([]Task, len(people))
		for i, v := range people {
			tasks[i] = Task{CommunityCode: v.CommunityCode, PersonID: v.ID, NameMasked: maskName(v.Name), Reason: v.Reason}
		}
		if err := s.Store.insertTasks(ctx, id, tasks); err != nil {
			return err
		}
		if _, _, err := s.Notify.ToRoleIn(ctx, auth.GridWorker, lo, hi, Notice{Key: "emergency.note.tasks",
			Args: []any{level, kind, name}, ID: id, Link: "/emergency/alerts/" + idStr(id) + "/tasks"}); err != nil {
			return err
		}
		if err := s.Store.setReach(ctx, id, residents, sms); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "emergency.alert.send", ObjectType: "emergency_alert", ObjectID: idStr(id),
			Result: audit.OK, Detail: map[string]any{"area_code": in.AreaCode, "kind": in.Kind, "level": in.Level, "body": in.Body,
				"residents": residents, "sms": sms, "tasks": len(tasks)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.alert(ctx, id)
}

// Alerts lists one page of the alerts whose area meets the caller's
// (sent to it, to a part of it, or to an area that holds it) that the
// filter selects, newest first. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Alerts(ctx context.Context, f AlertFilter, page, perPage int) ([]Alert, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	page, perPage = db.Paging(page, perPage)
	return s.Store.alerts(ctx, f, page, perPage)
}

// Alert reads an alert whose area meets the caller's; another answers
// ENOTFOUND and the refusal is audited. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Alert(ctx context.Context, id int64) (*Alert, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.alert(ctx, id, "emergency.alert.read")
}

func (s *Service) alert(ctx context.Context, id int64, action string) (*Alert, error) {
	a, err := s.Store.alert(ctx, id)
	if err != nil {
		return nil, s.Audit.RefusedOutside(ctx, err, action, "emergency_alert", id, s.Store.exists("alert"))
	}
	return a, nil
}

// alertRange is the part of an alert's area inside the caller's.
func alertRange(ctx context.Context, a *Alert) (string, string, error) {
	lo, hi := division.Code(a.AreaCode).Range()
	lo, hi, _, err := scope(ctx, lo, hi)
	return lo, hi, err
}

// Coverage is an alert's outcome by community, in the part of its area
// inside the caller's: residents notified, vulnerable people reached, not
// reached and pending. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Coverage(ctx context.Context, id int64) (*AlertCoverage, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	a, err := s.alert(ctx, id, "emergency.alert.read")
	if err != nil {
		return nil, err
	}
	lo, hi, err := alertRange(ctx, a)
	if err != nil {
		return nil, err
	}
	cs, err := s.Store.coverage(ctx, id, lo, hi)
	if err != nil {
		return nil, err
	}
	out := &AlertCoverage{Alert: a, Communities: cs, Total: Coverage{CommunityCode: a.AreaCode, CommunityName: a.AreaName}}
	for _, c := range cs {
		out.Total.Residents += c.Residents
		out.Total.Reached += c.Reached
		out.Total.NotReached += c.NotReached
		out.Total.Pending += c.Pending
	}
	return out, nil
}

// Tasks lists one page of an alert's tasks inside the caller's area,
// pending first; status filters ("" for all). Errors: EINVALID,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Tasks(ctx context.Context, id int64, status string, page, perPage int) (*Alert, []Task, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, nil, false, err
	}
	if status != "" && status != Pending && status != Reached && status != NotReached {
		return nil, nil, false, errs.Invalid(errs.Field("status", "error.one_of", "pending, reached, not_reached"))
	}
	a, err := s.alert(ctx, id, "emergency.alert.read")
	if err != nil {
		return nil, nil, false, err
	}
	lo, hi, err := alertRange(ctx, a)
	if err != nil {
		return nil, nil, false, err
	}
	page, perPage = db.Paging(page, perPage)
	ts, more, err := s.Store.tasks(ctx, id, lo, hi, status, page, perPage)
	return a, ts, more, err
}

// MarkTask records a grid worker's outcome for a task of their area:
// reached, or not reached with a note saying why. It may be marked again
// (the last outcome counts; each is audited). Errors: EINVALID,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) MarkTask(ctx context.Context, id int64, m Mark) (*Task, error) {
	p, err := auth.Require(ctx, MarkRoles...)
	if err != nil {
		return nil, err
	}
	t, err := s.Store.task(ctx, id)
	if err != nil {
		return nil, s.Audit.RefusedOutside(ctx, err, "emergency.task.mark", "emergency_task", id, s.Store.exists("task"))
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.markTask(ctx, id, m, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "emergency.task.mark", ObjectType: "emergency_task", ObjectID: idStr(id), Result: audit.OK,
			Detail: map[string]any{"alert_id": t.AlertID, "before": t.Status, "status": m.Status, "note": m.Note}})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.task(ctx, id)
}
