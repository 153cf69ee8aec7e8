package volunteer

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/rotcode"
)

// Window is how long a check-in code lives on the lead's screen.
const Window = rotcode.DefaultWindow

// CodeLen is the length of the short text of a code (40 bits).
const CodeLen = rotcode.Len

func window(t time.Time) int64 { return rotcode.Codes{}.WindowOf(t) }

// code is the rotating code of an activity, a direction and a 30-second
// window (platform/rotcode), as 8 characters.
func (s *Service) code(activityID int64, dir string, w int64) string {
	return s.codes().At(checkinSubject(activityID, dir), w)
}

func (s *Service) codes() rotcode.Codes { return rotcode.Codes{Key: s.codeKey, Window: Window} }

func checkinSubject(activityID int64, dir string) string {
	return "checkin|" + strconv.FormatInt(activityID, 10) + "|" + dir
}

// Code is what the lead's phone shows.
type Code struct {
	Code      string    `json:"code" doc:"8 characters; also the QR code's content"`
	Direction string    `json:"direction"`
	ExpiresAt time.Time `json:"expires_at" doc:"when the screen shows the next code (a code is still accepted one window longer)"`
}

// CurrentCode is the check-in (or check-out) code of the current window,
// for the activity's organisers. Errors: ENOTFOUND, EINVALID (direction),
// ECONFLICT (activity closed).
func (s *Service) CurrentCode(ctx context.Context, activityID int64, dir string) (*Code, error) {
	a, err := s.organised(ctx, activityID)
	if err != nil {
		return nil, err
	}
	if dir != In && dir != Out {
		return nil, errs.Invalid(errs.Field("direction", "error.one_of", "in, out"))
	}
	if a.Status != Open {
		return nil, errs.Conflict("volunteer.activity_not_open")
	}
	w := window(s.Now())
	return &Code{Code: s.code(activityID, dir, w), Direction: dir, ExpiresAt: time.Unix((w+1)*int64(Window/time.Second), 0).UTC()}, nil
}

// NormalizeCode upper-cases a typed code and drops spaces and dashes.
func NormalizeCode(c string) string { return rotcode.Normalize(c) }

// verify finds the window of a code: the current or the previous one.
// Older codes are expired; anything else is forged.
func (s *Service) verify(activityID int64, dir, c string) (int64, error) {
	w, res := s.codes().Verify(checkinSubject(activityID, dir), c, s.Now())
	switch res {
	case rotcode.Valid:
		return w, nil
	case rotcode.Expired:
		return 0, errs.Invalid(errs.Field("checkin_code", "volunteer.code_expired"))
	}
	return 0, errs.Invalid(errs.Field("checkin_code", "volunteer.code_invalid"))
}

// checkinSlack is how long before the start a volunteer may check in,
// and after the end check out.
const checkinSlack = time.Hour

// CheckIn checks the caller in (dir "in") or out ("out") of an activity
// with the code shown on the lead's phone. Refused: a forged or expired
// code (EINVALID), a code already used by this volunteer in this window and
// direction (ECONFLICT volunteer.code_replayed), no confirmed sign-up
// (ENOTFOUND), out of time or closed (ECONFLICT). Returns the time
// recorded.
func (s *Service) CheckIn(ctx context.Context, activityID int64, dir, c string) (time.Time, error) {
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if me == 0 {
		return time.Time{}, errs.NotFound("volunteer.not_registered")
	}
	if dir != In && dir != Out {
		return time.Time{}, errs.Invalid(errs.Field("direction", "error.one_of", "in, out"))
	}
	w, err := s.verify(activityID, dir, c)
	if err != nil {
		return time.Time{}, err
	}
	now := s.now()
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		status, starts, ends, err := s.activityTimes(ctx, activityID)
		if err != nil {
			return err
		}
		if status != Open {
			return errs.Conflict("volunteer.activity_not_open")
		}
		if now.Before(starts.Add(-checkinSlack)) || now.After(ends.Add(checkinSlack)) || (dir == In && !now.Before(ends)) {
			return errs.Conflict("volunteer.checkin_out_of_time")
		}
		st, err := s.lockSignup(ctx, activityID, me)
		if errs.Code(err) == errs.ENOTFOUND || (err == nil && st.status != Confirmed) {
			return errs.NotFound("volunteer.signup_not_found")
		}
		if err != nil {
			return err
		}
		inAt, outAt, inW, outW := st.inAt, st.outAt, st.inW, st.outW
		switch dir {
		case In:
			if inAt != nil {
				if inW != nil && *inW == w {
					return errs.Conflict("volunteer.code_replayed")
				}
				return errs.Conflict("volunteer.already_checked_in")
			}
		case Out:
			if outAt != nil {
				if outW != nil && *outW == w {
					return errs.Conflict("volunteer.code_replayed")
				}
				return errs.Conflict("volunteer.already_checked_out")
			}
			if inAt == nil {
				return errs.Conflict("volunteer.not_checked_in")
			}
			// Not a moment after the check-in (see MinServe).
			if need := minServe(starts, ends); served(starts, ends, *inAt, now) < need {
				return errs.Conflict("volunteer.checkout_too_soon", int(need/time.Minute))
			}
		}
		return s.checkTime(ctx, activityID, me, dir, now, w)
	})
	return now, err
}

// Attendance is a lead's confirmation by hand of a volunteer's times.
type Attendance struct {
	VolunteerID int64     `json:"volunteer_id,omitempty"`
	CheckinAt   time.Time `json:"checkin_at,omitempty"`
	CheckoutAt  time.Time `json:"checkout_at,omitempty"`
	Reason      string    `json:"manual_reason,omitempty" doc:"why the code was not used, e.g. the volunteer has no phone"`
}

// Confirm records a volunteer's attendance by hand, with a reason; for an
// open activity's organisers, audited. Errors: ENOTFOUND, EINVALID,
// ECONFLICT.
func (s *Service) Confirm(ctx context.Context, activityID int64, in Attendance) error {
	a, err := s.organised(ctx, activityID)
	if err != nil {
		return err
	}
	// Four eyes: a lead does not confirm their own attendance by hand (it
	// sets their hours); another organiser does.
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return err
	}
	if err := auth.FourEyes(me, in.VolunteerID); err != nil {
		s.Audit.Refused(ctx, "volunteer.attendance.confirm", "volunteer_activity", activityID, "own attendance")
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var bad errs.Fields
	switch {
	case in.Reason == "":
		bad.Add("manual_reason", "error.required")
	case tooLong(in.Reason, 200):
		bad.Add("manual_reason", "error.too_long", 200)
	}
	if in.CheckinAt.IsZero() {
		bad.Add("checkin_at", "error.required")
	}
	if in.CheckoutAt.IsZero() {
		bad.Add("checkout_at", "error.required")
	} else if !in.CheckoutAt.After(in.CheckinAt) {
		bad.Add("checkout_at", "volunteer.out_before_in")
	} else if in.CheckoutAt.After(s.Now().Add(time.Minute)) {
		bad.Add("checkout_at", "volunteer.in_future")
	} else if need := minServe(a.StartsAt, a.EndsAt); served(a.StartsAt, a.EndsAt, in.CheckinAt, in.CheckoutAt) < need {
		// The same minimum as a check-out by code (see MinServe).
		bad.Add("checkout_at", "volunteer.served_too_short", int(need/time.Minute))
	}
	if err := bad.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if a, err := s.lockActivity(ctx, a.ID); err != nil {
			return err
		} else if a.Status != Open {
			return errs.Conflict("volunteer.activity_not_open")
		}
		if err := s.setAttendance(ctx, activityID, in, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.attendance.confirm", ObjectType: "volunteer_activity", ObjectID: idStr(activityID), Result: audit.OK,
			Detail: map[string]any{"volunteer_id": in.VolunteerID, "checkin_at": in.CheckinAt.UTC(), "checkout_at": in.CheckoutAt.UTC(), "reason": in.Reason}})
	})
}
