package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/db"
	"shequ/internal/request"
)

// The demo builder's own queries: what the slices' services offer no
// call for (counting the tree, reading the levels a generator needs, and
// the request rows written directly with a made-up history).

// residentVolunteer makes the demo resident the volunteer of their
// community with the most hours, so that a volunteer's pages (sign-ups,
// hours, asking for a certificate) have something to show.
func (b *Builder) residentVolunteer(ctx context.Context) error {
	return b.DB.WithTx(ctx, func(ctx context.Context) error {
		_, err := b.DB.W(ctx).ExecContext(ctx, `UPDATE volunteers SET user_id = (SELECT id FROM users WHERE name = $1)
			WHERE id = (SELECT v.id FROM volunteers v JOIN users u ON u.name = $1 AND v.community_code = u.area_code
				ORDER BY v.hours_centi DESC, v.id LIMIT 1)
			AND NOT EXISTS (SELECT 1 FROM volunteers w JOIN users u ON u.id = w.user_id AND u.name = $1)`, "demo-resident")
		return err
	})
}

// divisionCount counts the divisions (0 when it cannot).
func (b *Builder) divisionCount(ctx context.Context) int {
	var n int
	_ = b.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM divisions`).Scan(&n)
	return n
}

// divisions lists the divisions of some levels, by code.
func (b *Builder) divisions(ctx context.Context, levels ...int) ([]division.Division, error) {
	args := make([]any, len(levels))
	for i, l := range levels {
		args[i] = l
	}
	rows, err := b.DB.Q(ctx).QueryContext(ctx, `SELECT code, name, level FROM divisions WHERE level IN (`+db.Placeholders(len(levels), 1)+`) ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []division.Division
	for rows.Next() {
		var d division.Division
		if err := rows.Scan(&d.Code, &d.Name, &d.Level); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// category is a request category a demo request may file under.
type category struct{ code, urgency string }

// leafCategories lists the categories requests are filed under.
func (b *Builder) leafCategories(ctx context.Context) ([]category, error) {
	rows, err := b.DB.Q(ctx).QueryContext(ctx, `SELECT code, urgency FROM request_categories WHERE parent_code IS NOT NULL OR code = 'other' ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []category
	for rows.Next() {
		var c category
		if err := rows.Scan(&c.code, &c.urgency); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// userID is the id of the account named name; 0 when there is none.
func (b *Builder) userID(ctx context.Context, name string) int64 {
	var id int64
	_ = b.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM users WHERE name = $1`, name).Scan(&id)
	return id
}

// userArea is an account's area; "" when there is none.
func (b *Builder) userArea(ctx context.Context, id int64) string {
	var area string
	_ = b.DB.Q(ctx).QueryRowContext(ctx, `SELECT area_code FROM users WHERE id = $1`, id).Scan(&area)
	return area
}

// insertUnit stores an active handling unit.
func (b *Builder) insertUnit(ctx context.Context, name, kind, code string, at time.Time) (int64, error) {
	var id int64
	err := b.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO request_units (name, kind, division_code, active, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, name, kind, code, true, at).Scan(&id)
	return id, err
}

// addUnitMember makes an account a member of a handling unit.
func (b *Builder) addUnitMember(ctx context.Context, userID, unitID int64) error {
	_, err := b.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_unit_members (user_id, unit_id) VALUES ($1, $2)`, userID, unitID)
	return err
}

// insertEvent adds an event to a request's timeline.
func (b *Builder) insertEvent(ctx context.Context, id int64, action, actor, role string, unit any, note string, at time.Time) error {
	_, err := b.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_events (request_id, action, actor_name, actor_role, unit_id, note, data, at)
		VALUES ($1, $2, $3, $4, $5, $6, '{}', $7)`, id, action, actor, role, unit, note, at)
	return err
}

// demoRequest is a request as submitted.
type demoRequest struct {
	community                  division.Division
	category, urgency, channel string
	text                       string
	resident                   any // the resident's account id, or nil
	contact, phoneSealed       string
	anonymous                  bool
	responseDue, resolutionDue time.Time
	at                         time.Time
}

// insertRequest stores a submitted request and returns its id.
func (b *Builder) insertRequest(ctx context.Context, q demoRequest) (int64, error) {
	c := q.community
	var id int64
	err := b.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO requests (division_code, category_code, urgency, status, channel, title, description,
		address, resident_id, contact_name, phone_sealed, anonymous, dispatch_rank, response_due, resolution_due, created_at, created_by, updated_at,
		township_code, county_code)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $16, $18, $19) RETURNING id`,
		c.Code, q.category, q.urgency, request.StatusSubmitted, q.channel, q.text, q.text+"，请尽快处理。", c.Name+"附近", q.resident,
		q.contact, q.phoneSealed, q.anonymous, 3, q.responseDue, q.resolutionDue, q.at, "demo", request.TownshipOf(c.Code), request.CountyOf(c.Code)).Scan(&id)
	return id, err
}

// insertAssignment assigns a request to a unit as its lead from at, until
// ended (nil: still).
func (b *Builder) insertAssignment(ctx context.Context, id, unit int64, at time.Time, ended *time.Time) error {
	_, err := b.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_assignments (request_id, unit_id, role, assigned_at, ended_at) VALUES ($1, $2, 'lead', $3, $4)`,
		id, unit, at, ended)
	return err
}

// insertCallback records the community's callback on a request.
func (b *Builder) insertCallback(ctx context.Context, id int64, contacted, solved bool, satisfaction string, at time.Time) error {
	_, err := b.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_callbacks (request_id, kind, contacted, solved, satisfaction, comment, actor_name, at)
		VALUES ($1, $2, $3, $4, $5, '', 'demo-community-worker', $6)`, id, request.KindCallback, contacted, solved, satisfaction, at)
	return err
}

// insertAppeal records a unit's appeal of a request as a duplicate,
// approved a day later.
func (b *Builder) insertAppeal(ctx context.Context, id, unit int64, at time.Time) error {
	_, err := b.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_appeals (request_id, unit_id, reason, note, status, requested_at, decided_by, decided_at)
		VALUES ($1, $2, $3, '与此前诉求重复', $4, $5, 'demo-county-staff', $6)`, id, unit, request.AppealDuplicate, request.Approved, at, at.Add(24*time.Hour))
	return err
}

// requestColumns are the columns of a request its made-up history sets.
var requestColumns = []string{"status", "unit_id", "first_unit_id", "returns", "dispatched_at", "responded_at", "resolved_at",
	"closed_at", "warned_at", "escalated_at", "satisfaction", "reply", "excluded"}

// updateRequest sets the columns in set (of requestColumns) of a request.
func (b *Builder) updateRequest(ctx context.Context, id int64, set map[string]any) error {
	if len(set) == 0 {
		return nil
	}
	var cols []string
	var args []any
	for _, k := range requestColumns {
		if v, ok := set[k]; ok {
			args = append(args, v)
			cols = append(cols, fmt.Sprintf("%s = $%d", k, len(args)))
		}
	}
	args = append(args, id)
	_, err := b.DB.W(ctx).ExecContext(ctx, `UPDATE requests SET `+strings.Join(cols, ", ")+fmt.Sprintf(` WHERE id = $%d`, len(args)), args...)
	return err
}

// cityCode is the code of the tree's city ("" when none).
func (b *Builder) cityCode(ctx context.Context) (string, error) {
	var code string
	err := b.DB.Q(ctx).QueryRowContext(ctx, `SELECT code FROM divisions WHERE level = $1 ORDER BY code LIMIT 1`, division.City).Scan(&code)
	if db.IsNoRows(err) {
		return "", nil
	}
	return code, err
}

// unitNamed says whether a handling unit of that name exists.
func (b *Builder) unitNamed(ctx context.Context, name string) (bool, error) {
	var n int
	err := b.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM request_units WHERE name = $1`, name).Scan(&n)
	return n > 0, err
}
