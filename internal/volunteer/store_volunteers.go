package volunteer

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

const volCols = `v.id, v.user_id, v.community_code, COALESCE(d.name, ''), v.name, v.id_number_sealed, v.phone_sealed, v.skills,
	v.availability, v.service_areas, v.hours_centi, COALESCE(v.last_served, ''), v.created_at, v.version`

const volFrom = ` FROM volunteers v JOIN divisions d ON d.code = v.community_code`

// exists reports whether the count query q counts any row (an error
// counts none).
func (s *Service) exists(ctx context.Context, q string, args ...any) bool {
	var n int
	_ = s.DB.Q(ctx).QueryRowContext(ctx, q, args...).Scan(&n)
	return n > 0
}

func (s *Service) scanVolunteer(sc interface{ Scan(...any) error }, stars []int, since string, me int64) (*Volunteer, error) {
	var v Volunteer
	var uid *int64
	var phone, skills string
	if err := sc.Scan(&v.ID, &uid, &v.CommunityCode, &v.CommunityName, &v.Name, &v.IDNumberSealed, &phone, &skills,
		&v.Availability, &v.ServiceAreas, &v.HoursCenti, &v.LastServed, &v.CreatedAt, &v.Version); err != nil {
		return nil, err
	}
	if uid != nil {
		v.UserID = *uid
	}
	id, err := s.Keys.Open(v.IDNumberSealed)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.scanVolunteer: Open", err)
	}
	ph, err := s.Keys.Open(phone)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.scanVolunteer: Open", err)
	}
	v.IDNumber, v.Phone = pii.MaskIDNumber(id), pii.Mask(ph)
	v.Skills = splitList(skills)
	v.Hours = centiToHours(v.HoursCenti)
	v.Star = StarLevel(v.HoursCenti, stars)
	v.Active = v.LastServed != "" && v.LastServed >= since
	v.Own = me != 0 && v.ID == me
	v.CreatedAt = v.CreatedAt.UTC()
	return &v, nil
}

// communitiesIn counts the communities with code in [lo, hi] (0 or 1).
func (s *Service) communitiesIn(ctx context.Context, code, lo, hi string) (int, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM divisions WHERE code = $1 AND level = 5 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&n); err != nil {
		return 0, errs.Internal("volunteer.Service.communitiesIn: select divisions", err)
	}
	return n, nil
}

// volunteerOf is the volunteer id of an account; 0 if none.
func (s *Service) volunteerOf(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM volunteers WHERE user_id = $1`, userID).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, errs.Internal("volunteer.Service.volunteerOf: select volunteers", err)
	}
	return id, nil
}

// volunteer reads a volunteer, masked, whatever the caller's area.
// ENOTFOUND when there is none.
func (s *Service) volunteer(ctx context.Context, id int64, stars []int, me int64) (*Volunteer, error) {
	v, err := s.scanVolunteer(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+volCols+volFrom+` WHERE v.id = $1`, id), stars, s.activeSince(), me)
	if err != nil {
		return nil, db.RowErr(err, "volunteer.Service.volunteer: select", "volunteer.not_found", id)
	}
	return v, nil
}

// volunteers reads one page of the volunteers in [lo, hi] that f selects
// (its fields checked), masked.
func (s *Service) volunteers(ctx context.Context, lo, hi string, f Filter, stars []int) ([]Volunteer, bool, error) {
	q := `SELECT ` + volCols + volFrom + ` WHERE v.community_code BETWEEN $1 AND $2`
	args := []any{lo, hi}
	add := func(cond string, v any) {
		args = append(args, v)
		q += " AND " + strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args)))
	}
	if f.Q != "" {
		add("v.name "+s.DB.ILike()+" ?", "%"+f.Q+"%")
	}
	if f.IDNumber != "" {
		add("v.id_number_index = ?", s.Keys.Index(f.IDNumber))
	}
	if f.Phone != "" {
		add("v.phone_index = ?", s.Keys.Index(f.Phone))
	}
	if f.Active {
		add("v.last_served >= ?", s.activeSince())
	}
	q += ` ORDER BY v.community_code, v.name, v.id LIMIT ` + strconv.Itoa(f.PerPage+1) + ` OFFSET ` + strconv.Itoa((f.Page-1)*f.PerPage)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("volunteer.Service.volunteers: select", err)
	}
	since := s.activeSince()
	out, more, err := db.Page(rows, f.PerPage, func(r interface{ Scan(...any) error }) (*Volunteer, error) {
		return s.scanVolunteer(r, stars, since, 0)
	})
	if err != nil {
		return nil, false, errs.Internal("volunteer.Service.volunteers: scan", err)
	}
	return out, more, nil
}

// isResident reports whether an account is a resident's.
func (s *Service) isResident(ctx context.Context, userID int64) (bool, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1 AND role = $2`, userID, string(auth.Resident)).Scan(&n); err != nil {
		return false, errs.Internal("volunteer.Service.isResident: select users", err)
	}
	return n > 0, nil
}

// hasVolunteer reports whether an account has registered as a volunteer.
func (s *Service) hasVolunteer(ctx context.Context, userID int64) bool {
	return s.exists(ctx, `SELECT count(*) FROM volunteers WHERE user_id = $1`, userID)
}

// newVolunteer is a checked registration, its ID number and phone sealed.
type newVolunteer struct {
	userID                             *int64
	community, name, idSealed, idIndex string
	phoneSealed, phoneIndex, skills    string
	availability, serviceAreas         string
}

// insertVolunteer stores a volunteer and returns its id. EINVALID when the
// ID number is registered already.
func (s *Service) insertVolunteer(ctx context.Context, v newVolunteer, at time.Time, by string) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO volunteers (user_id, community_code, name, id_number_sealed, id_number_index,
		phone_sealed, phone_index, skills, availability, service_areas, created_at, created_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11) RETURNING id`,
		v.userID, v.community, v.name, v.idSealed, v.idIndex, v.phoneSealed, v.phoneIndex,
		v.skills, v.availability, v.serviceAreas, at, by).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, errs.Invalid(errs.Field("id_number", "volunteer.id_registered"))
	}
	if err != nil {
		return 0, errs.Internal("volunteer.Service.insertVolunteer: insert volunteers", err)
	}
	return id, nil
}

// volunteerChange is what Update may change; a nil phone stays.
type volunteerChange struct {
	community, skills, availability, serviceAreas string
	phoneSealed, phoneIndex                       *string
}

// updateVolunteer writes a change to the volunteer at version. ECONFLICT
// when it has changed since.
func (s *Service) updateVolunteer(ctx context.Context, id int64, version int, c volunteerChange, at time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE volunteers SET community_code = $1, skills = $2, availability = $3, service_areas = $4,
		phone_sealed = COALESCE($5, phone_sealed), phone_index = COALESCE($6, phone_index), version = version + 1, updated_at = $7
		WHERE id = $8 AND version = $9`, c.community, c.skills, c.availability, c.serviceAreas, c.phoneSealed, c.phoneIndex, at, id, version)
	if err != nil {
		return errs.Internal("volunteer.Service.updateVolunteer: update volunteers", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.Conflict("error.conflict")
	}
	return nil
}

// userOf is the account of a volunteer, 0 when none.
func (s *Service) userOf(ctx context.Context, volunteerID int64) (int64, error) {
	var user *int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT user_id FROM volunteers WHERE id = $1`, volunteerID).Scan(&user)
	if err != nil && !db.IsNoRows(err) {
		return 0, errs.Internal("volunteer.Service.userOf: select volunteers", err)
	}
	if user == nil {
		return 0, nil
	}
	return *user, nil
}
