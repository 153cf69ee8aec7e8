package volunteer

import (
	"context"
	"math"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
)

// Records returns a volunteer's service records whose date (China time)
// lies in [from, to], oldest first; a zero from or to leaves that end
// open. The same callers as Volunteer may read them. Records hang on the
// volunteer, so they follow a move to another community. Errors:
// ENOTFOUND, EUNAUTHORIZED.
func (s *Service) Records(ctx context.Context, volunteerID int64, from, to time.Time) ([]Record, error) {
	if _, err := s.Volunteer(ctx, volunteerID); err != nil {
		return nil, err
	}
	lo, hi := "0000-00-00", "9999-99-99"
	if !from.IsZero() {
		lo = from.In(calendar.China).Format(DateLayout)
	}
	if !to.IsZero() {
		hi = to.In(calendar.China).Format(DateLayout)
	}
	return s.recordsOf(ctx, volunteerID, lo, hi)
}

// Close closes an activity and records, as its organiser, the service of
// every confirmed volunteer with a check-in and a check-out: the time
// served inside the activity's window (0 hours when it does not count
// hours). Each volunteer's cumulative hours, star and the measures move in
// the same transaction. Returns the number of records. Errors: ENOTFOUND,
// ECONFLICT (not open).
func (s *Service) Close(ctx context.Context, activityID int64) (int, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := s.organised(ctx, activityID); err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.lockActivity(ctx, activityID)
		if err != nil {
			return err
		}
		if a.Status != Open {
			return errs.Conflict("volunteer.activity_not_open")
		}
		att, err := s.attended(ctx, activityID)
		if err != nil {
			return err
		}
		type served struct {
			vol       int64
			community string
			centi     int64
		}
		var all []served
		for _, at := range att {
			x := served{vol: at.volunteerID, community: at.community}
			if a.CountsHours {
				x.centi = ClipHours(a.StartsAt, a.EndsAt, at.in, at.out)
			}
			all = append(all, x)
		}
		now := s.now()
		date := a.StartsAt.In(calendar.China).Format(DateLayout)
		communities := map[string]bool{}
		for _, x := range all {
			if err := s.insertRecord(ctx, x.vol, a, date, x.centi, p.Name, now); err != nil {
				return err
			}
			communities[x.community] = true
			n++
		}
		if err := s.closeActivity(ctx, activityID, now, p.Name); err != nil {
			return err
		}
		for c := range communities {
			if err := s.refreshCommunity(ctx, c); err != nil {
				return err
			}
		}
		if err := s.refreshHours(ctx, a.CommunityCode, date); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.activity.close", ObjectType: "volunteer_activity", ObjectID: idStr(activityID), Result: audit.OK,
			Detail: map[string]any{"records": n}})
	})
	return n, err
}

// AskCorrection asks, as the volunteer of a record, for its hours to be
// corrected, with a reason. One pending request per record. Errors:
// ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) AskCorrection(ctx context.Context, recordID int64, hours float64, reason string) (*Correction, error) {
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.record(ctx, recordID)
	if errs.Code(err) == errs.ENOTFOUND || (err == nil && r.VolunteerID != me) {
		return nil, errs.NotFound("volunteer.record_not_found", recordID)
	}
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	centi := int64(math.Round(hours * 100))
	var bad errs.Fields
	if hours < 0 || hours > 24 || centi == r.HoursCenti {
		bad.Add("service_hours", "volunteer.correction_hours")
	}
	switch {
	case reason == "":
		bad.Add("correction_reason", "error.required")
	case tooLong(reason, 500):
		bad.Add("correction_reason", "error.too_long", 500)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if s.correctionPending(ctx, recordID) {
			return errs.Conflict("volunteer.correction_pending")
		}
		var err error
		if id, err = s.insertCorrection(ctx, recordID, centi, reason, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.correction.ask", ObjectType: "volunteer_record", ObjectID: idStr(recordID), Result: audit.OK,
			Detail: map[string]any{"hours_before": r.Hours, "hours_asked": centiToHours(centi), "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return s.correction(ctx, id)
}

// Corrections lists the pending corrections of the records of the
// organisations the caller may organise for, but not the caller's own
// (whoever asks never decides: auth.FourEyes).
func (s *Service) Corrections(ctx context.Context) ([]Correction, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := s.LedOrgs(ctx)
	if err != nil {
		return nil, err
	}
	out := []Correction{}
	for _, o := range orgs {
		cs, err := s.pendingCorrections(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			// Staff see an organisation above their area only for the
			// records of their area.
			if auth.FourEyes(me, c.VolunteerID) != nil {
				continue
			}
			if !staff(p) || inScope(ctx, o.DivisionCode) || inScope(ctx, c.CommunityCode) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// Decide approves or refuses a pending correction, as an organiser of the
// organisation that recorded the hours; a refusal needs a reason. An
// approval changes the record's hours, the volunteer's total and the
// month's measure together. Errors: ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) Decide(ctx context.Context, correctionID int64, approve bool, reason string) (*Correction, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.correction(ctx, correctionID)
	if err != nil {
		return nil, err
	}
	orgID, community, date, err := s.recordPlace(ctx, c.RecordID)
	if err != nil {
		return nil, err
	}
	if ok, err := s.mayOrganise(ctx, orgID, community); err != nil || !ok {
		if err == nil {
			s.Audit.Refused(ctx, "volunteer.correction.decide", "volunteer_correction", correctionID, "not an organiser")
		}
		return nil, errs.NotFound("volunteer.correction_not_found", correctionID)
	}
	// Four eyes: the volunteer who asked never decides, even as a lead of
	// the organisation; another lead or the staff of the area do (an only
	// lead's correction is on the staff's pending list).
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	if err := auth.FourEyes(me, c.VolunteerID); err != nil {
		s.Audit.Refused(ctx, "volunteer.correction.decide", "volunteer_correction", correctionID, "own correction")
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return nil, errs.Invalid(errs.Field("decision_reason", "error.required"))
	}
	if tooLong(reason, 500) {
		return nil, errs.Invalid(errs.Field("decision_reason", "error.too_long", 500))
	}
	status := Refused
	if approve {
		status = Approved
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.decideCorrection(ctx, correctionID, status, reason, p.Name, s.now()); err != nil {
			return err
		}
		if approve {
			if err := s.applyCorrection(ctx, correctionID, c.RecordID); err != nil {
				return err
			}
			if err := s.refreshHours(ctx, community, date); err != nil {
				return err
			}
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "volunteer.correction.decide", ObjectType: "volunteer_correction", ObjectID: idStr(correctionID), Result: audit.OK,
			Detail: map[string]any{"status": status, "reason": reason, "hours_asked": c.Hours, "hours_before": c.OldHours}}); err != nil {
			return err
		}
		return s.notifyCorrection(ctx, c, approve, reason)
	})
	if err != nil {
		return nil, err
	}
	return s.correction(ctx, correctionID)
}
