package volunteer

import (
	"context"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// activityTimes reads an activity's status and times, holding a shared
// lock on PostgreSQL: check-ins go side by side, but not past a Close
// (which takes the row for update); SQLite has one writer anyway.
// ENOTFOUND when there is none.
func (s *Service) activityTimes(ctx context.Context, id int64) (status string, starts, ends time.Time, err error) {
	share := ""
	if s.DB.ForUpdate() != "" {
		share = " FOR SHARE"
	}
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT status, starts_at, ends_at FROM volunteer_activities WHERE id = $1`+share, id).Scan(&status, &starts, &ends)
	if err != nil {
		return "", time.Time{}, time.Time{}, db.RowErr(err, "volunteer.Service.activityTimes: select volunteer_activities", "volunteer.activity_not_found", id)
	}
	return status, starts, ends, nil
}

// signupTimes is a sign-up's status and check-in and check-out, with the
// code windows they used.
type signupTimes struct {
	status      string
	inAt, outAt *time.Time
	inW, outW   *int64
}

// lockSignup reads a volunteer's sign-up to an activity for update.
// ENOTFOUND when there is none.
func (s *Service) lockSignup(ctx context.Context, activityID, volunteerID int64) (*signupTimes, error) {
	var st signupTimes
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT status, checkin_at, checkin_window, checkout_at, checkout_window FROM volunteer_signups
		WHERE activity_id = $1 AND volunteer_id = $2`+s.DB.ForUpdate(), activityID, volunteerID).Scan(&st.status, &st.inAt, &st.inW, &st.outAt, &st.outW)
	if err != nil {
		return nil, db.RowErr(err, "volunteer.Service.lockSignup: select volunteer_signups", "volunteer.signup_not_found")
	}
	return &st, nil
}

// checkTime records a check-in (dir In) or check-out at at, with the code
// window it used.
func (s *Service) checkTime(ctx context.Context, activityID, volunteerID int64, dir string, at time.Time, window int64) error {
	upd := `UPDATE volunteer_signups SET checkin_at = $1, checkin_window = $2, updated_at = $1 WHERE activity_id = $3 AND volunteer_id = $4`
	if dir == Out {
		upd = `UPDATE volunteer_signups SET checkout_at = $1, checkout_window = $2, updated_at = $1 WHERE activity_id = $3 AND volunteer_id = $4`
	}
	if _, err := s.DB.Q(ctx).ExecContext(ctx, upd, at, window, activityID, volunteerID); err != nil {
		return errs.Internal("volunteer.Service.checkTime: update volunteer_signups", err)
	}
	return nil
}

// setAttendance sets a confirmed volunteer's times by hand. EINVALID when
// the volunteer has no confirmed sign-up.
func (s *Service) setAttendance(ctx context.Context, activityID int64, in Attendance, at time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE volunteer_signups SET checkin_at = $1, checkout_at = $2, manual_reason = $3, updated_at = $4
		WHERE activity_id = $5 AND volunteer_id = $6 AND status = $7`, in.CheckinAt.UTC(), in.CheckoutAt.UTC(), in.Reason, at, activityID, in.VolunteerID, Confirmed)
	if err != nil {
		return errs.Internal("volunteer.Service.setAttendance: update volunteer_signups", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.Invalid(errs.Field("volunteer_id", "volunteer.not_signed_up"))
	}
	return nil
}
