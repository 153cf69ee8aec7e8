package volunteer

import (
	"context"
	"time"

	"shequ/internal/division"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Publish publishes an activity for an organisation the caller may
// organise for (its lead, or staff of its area), in a community at or
// under the organisation's division. Errors: EINVALID, ENOTFOUND,
// EFORBIDDEN.
func (s *Service) Publish(ctx context.Context, in ActivityInput) (*Activity, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.validate(s.Now()).Err(); err != nil {
		return nil, err
	}
	ok, err := s.mayOrganise(ctx, in.OrgID, in.CommunityCode)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil, errs.Invalid(errs.Field("org_id", "volunteer.org_not_found", in.OrgID))
	}
	if err != nil {
		return nil, err
	}
	if !ok || (staff(p) && !inScope(ctx, in.CommunityCode)) {
		return nil, errs.Forbidden()
	}
	o, _ := s.Org(ctx, in.OrgID)
	lo, hi := division.RangeOf(o.DivisionCode)
	if !division.ValidCode(in.CommunityCode) || in.CommunityCode < lo || in.CommunityCode > hi ||
		!s.isCommunity(ctx, in.CommunityCode) {
		return nil, errs.Invalid(errs.Field("community_code", "volunteer.community_of_org", in.CommunityCode))
	}
	counts := in.CountsHours == nil || *in.CountsHours
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if id, err = s.insertActivity(ctx, in, counts, s.now(), p.Name); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.activity.publish", ObjectType: "volunteer_activity", ObjectID: idStr(id), Result: audit.OK,
			Detail: map[string]any{"org_id": in.OrgID, "community_code": in.CommunityCode, "title": in.Title, "slots": in.Slots}})
	})
	if err != nil {
		return nil, err
	}
	return s.Activity(ctx, id)
}

// Activity returns an activity, with the caller's relation to it.
//
// Who reads an activity (actReach, applied in the store's query):
// residents and staff (ActivityReadRoles) read published activities (open
// or closed) city-wide, since they recruit volunteers; a cancelled one only
// its organisers (staff whose area holds the organisation or the
// community, the organisation's leads) and the volunteers signed up for
// it. Sign-up lists, personal data, only its organisers (Signups). Other
// roles read none.
//
// Errors: EFORBIDDEN (role), ENOTFOUND (missing or not readable; a refusal
// of an existing activity is audited).
func (s *Service) Activity(ctx context.Context, id int64) (*Activity, error) {
	rc, err := s.actReach(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.storeActivity(ctx, id, rc)
	if errs.Code(err) == errs.ENOTFOUND && s.activityExists(ctx, id) {
		s.Audit.Refused(ctx, "volunteer.activity.read", "volunteer_activity", id, "not published")
	}
	if err != nil {
		return nil, err
	}
	if a.CanOrganise, err = s.mayOrganise(ctx, a.OrgID, a.CommunityCode); err != nil {
		return nil, err
	}
	if rc.volunteer != 0 {
		a.MySignup, _, _, _ = s.signup(ctx, id, rc.volunteer)
	}
	return a, nil
}

// actReach is the caller's reach over activities. Errors: EUNAUTHORIZED,
// EFORBIDDEN.
func (s *Service) actReach(ctx context.Context) (actReach, error) {
	p, err := auth.Require(ctx, ActivityReadRoles...)
	if err != nil {
		return actReach{}, err
	}
	if p.Role == auth.System {
		return actReach{all: true}, nil
	}
	var rc actReach
	if staff(p) {
		if rc.lo, rc.hi, err = auth.Scope(ctx); err != nil {
			return actReach{}, err
		}
	}
	if rc.volunteer, err = s.myVolunteer(ctx); err != nil {
		return actReach{}, err
	}
	return rc, nil
}

// ActivityFilter selects activities.
type ActivityFilter struct {
	Division string // at or under this division (a volunteer's "nearby")
	Date     string // YYYY-MM-DD: activities on that day (China time); empty: from today on
	OrgID    int64
	Status   string
	Page     int
	PerPage  int
}

// Activities lists activities at or under a division (staff: their area
// when empty; residents: the city), those the caller may read (the rule
// is at Activity): published ones anywhere, cancelled ones only for their
// organisers and volunteers. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Activities(ctx context.Context, f ActivityFilter) ([]Activity, bool, error) {
	rc, err := s.actReach(ctx)
	if err != nil {
		return nil, false, err
	}
	var bad errs.Fields
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "volunteer.code_format")
	}
	var day time.Time
	if f.Date != "" {
		if day, err = time.ParseInLocation(DateLayout, f.Date, calendar.China); err != nil {
			bad.Add("date", "volunteer.date_invalid")
		}
	}
	if f.Status != "" && f.Status != Open && f.Status != Closed && f.Status != Cancelled {
		bad.Add("status", "error.one_of", "open, closed, cancelled")
	}
	if err := bad.Err(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	q := activityQuery{lo: "000000000000", hi: "999999999999", orgID: f.OrgID, status: f.Status, page: f.Page, perPage: f.PerPage}
	switch {
	case f.Division != "":
		q.lo, q.hi = division.RangeOf(f.Division)
	case rc.lo != "":
		q.lo, q.hi = rc.lo, rc.hi
	}
	if f.Date != "" {
		q.from, q.until = day, day.AddDate(0, 0, 1)
	}
	out, err := s.storeActivities(ctx, q, rc)
	if err != nil {
		return nil, false, err
	}
	out, more := db.More(out, f.PerPage)
	return out, more, nil
}

// SignUp signs the caller (a registered volunteer) up to an open activity
// that has not ended: confirmed while places remain, on the waiting list
// after. Signing up again after cancelling is allowed. Returns the status.
// Errors: ENOTFOUND, ECONFLICT (already signed up, closed or ended).
func (s *Service) SignUp(ctx context.Context, activityID int64) (string, error) {
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return "", err
	}
	if me == 0 {
		return "", errs.NotFound("volunteer.not_registered")
	}
	var status string
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.lockActivity(ctx, activityID)
		if err != nil {
			return err
		}
		if a.Status != Open || !s.Now().Before(a.EndsAt) {
			return errs.Conflict("volunteer.activity_not_open")
		}
		cur, _, _, err := s.signup(ctx, activityID, me)
		if err != nil {
			return err
		}
		if cur == Confirmed || cur == Waiting {
			return errs.Conflict("volunteer.already_signed_up")
		}
		status = Waiting
		if a.Taken < a.Slots {
			status = Confirmed
		}
		now := s.now()
		if err := s.setSignup(ctx, activityID, me, status, now, cur == ""); err != nil {
			return err
		}
		if status == Confirmed {
			if err := s.addTaken(ctx, activityID, 1); err != nil {
				return err
			}
		}
		return nil
	})
	return status, err
}

// Cancel withdraws the caller's sign-up before they check in. A confirmed
// place goes, in the same transaction, to the first on the waiting list.
// Errors: ENOTFOUND (no sign-up), ECONFLICT (checked in, or closed).
func (s *Service) Cancel(ctx context.Context, activityID int64) error {
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.lockActivity(ctx, activityID)
		if err != nil {
			return err
		}
		if a.Status != Open {
			return errs.Conflict("volunteer.activity_not_open")
		}
		cur, in, found, err := s.signup(ctx, activityID, me)
		if err != nil {
			return err
		}
		if !found || cur == Withdrawn {
			return errs.NotFound("volunteer.signup_not_found")
		}
		if in != nil {
			return errs.Conflict("volunteer.already_checked_in")
		}
		now := s.now()
		if err := s.setSignup(ctx, activityID, me, Withdrawn, now, false); err != nil {
			return err
		}
		if cur != Confirmed {
			return nil
		}
		return s.giveUpPlace(ctx, activityID, now)
	})
}

// Signups lists an activity's sign-ups with attendance, for its
// organisers only (staff whose area holds the organisation or the
// community, the organisation's leads): the names are personal data.
// Errors: ENOTFOUND (also for callers who may not organise it; audited).
func (s *Service) Signups(ctx context.Context, activityID int64) ([]Signup, error) {
	if _, err := s.organised(ctx, activityID); err != nil {
		return nil, err
	}
	return s.signupsOf(ctx, activityID)
}

// organised reads an activity the caller organises; ENOTFOUND otherwise
// (a refusal of an existing activity is audited).
func (s *Service) organised(ctx context.Context, id int64) (*Activity, error) {
	a, err := s.Activity(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.CanOrganise {
		s.Audit.Refused(ctx, "volunteer.activity.organise", "volunteer_activity", id, "not an organiser")
		return nil, errs.NotFound("volunteer.activity_not_found", id)
	}
	return a, nil
}

// MySignups lists the open activities the caller has signed up for (or
// waits for), soonest first.
func (s *Service) MySignups(ctx context.Context) ([]Activity, error) {
	me, err := s.myVolunteer(ctx)
	if err != nil || me == 0 {
		return []Activity{}, err
	}
	return s.signedUp(ctx, me)
}
