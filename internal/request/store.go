package request

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the slice's SQL. Reads take a reach (the condition the caller's
// role and area put on requests); the service builds it.
type Store struct {
	DB *db.DB
}

// reach limits the requests a reader sees: by area (staff), by resident
// account, or by the unit the request was dispatched to.
type reach struct {
	all        bool
	lo, hi     string
	residentID int64
	unitID     int64
}

// where appends the reach's condition on requests r to args.
func (rc reach) where(args *[]any) string {
	switch {
	case rc.all:
		return "1=1"
	case rc.residentID != 0:
		*args = append(*args, rc.residentID)
		return "r.resident_id = $" + itoa(len(*args))
	case rc.unitID != 0:
		*args = append(*args, rc.unitID)
		return "EXISTS (SELECT 1 FROM request_assignments ra WHERE ra.request_id = r.id AND ra.unit_id = $" + itoa(len(*args)) + ")"
	case rc.lo != "":
		// A community, township or county is an equality on a column kept
		// on the row, so its list walks an index in id order.
		n := 0
		for n < len(rc.lo) && n < len(rc.hi) && rc.lo[n] == rc.hi[n] {
			n++
		}
		col := map[int]string{12: "r.division_code", 9: "r.township_code", 6: "r.county_code"}[n]
		if col != "" {
			*args = append(*args, rc.lo)
			return col + " = $" + itoa(len(*args))
		}
		if n == 0 {
			return "1=1"
		}
		// A city or province holds most rows: walking the primary key newest
		// first and testing the prefix beats an index range and a sort.
		*args = append(*args, rc.lo[:n])
		return "substr(r.division_code, 1, " + itoa(n) + ") = $" + itoa(len(*args))
	}
	return "1=0"
}

const reqCols = `r.id, r.division_code, COALESCE(d.name, ''), r.category_code, COALESCE(c.name_zh, ''), COALESCE(c.name_en, ''),
	r.urgency, r.status, r.channel, r.title, r.description, r.address, r.resident_id, r.contact_name, r.phone_sealed,
	r.anonymous, r.unit_id, COALESCE(u.name, ''), r.first_unit_id, r.policy_id, r.returns, r.dispatch_rank, r.supervised,
	r.response_due, r.resolution_due, r.dispatched_at, r.responded_at, r.resolved_at, r.closed_at, r.warned_at,
	r.escalated_at, r.excluded, r.satisfaction, r.reply, r.reopened, r.version, r.created_at, r.created_by, r.updated_at`

const reqFrom = ` FROM requests r LEFT JOIN divisions d ON d.code = r.division_code
	LEFT JOIN request_categories c ON c.code = r.category_code LEFT JOIN request_units u ON u.id = r.unit_id`

func nullTime(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

func nullInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func scanRequest(s interface{ Scan(...any) error }, lang string) (*Request, error) {
	r := &Request{}
	var catEn string
	var resident, unit, first, policy sql.NullInt64
	var disp, resp, reso, closed, warned, esc sql.NullTime
	if err := s.Scan(&r.ID, &r.DivisionCode, &r.DivisionName, &r.CategoryCode, &r.CategoryName, &catEn,
		&r.Urgency, &r.Status, &r.Channel, &r.Title, &r.Description, &r.Address, &resident, &r.ContactName, &r.phoneSealed,
		&r.Anonymous, &unit, &r.UnitName, &first, &policy, &r.Returns, &r.DispatchRank, &r.Supervised,
		&r.ResponseDue, &r.ResolutionDue, &disp, &resp, &reso, &closed, &warned,
		&esc, &r.Excluded, &r.Satisfaction, &r.Reply, &r.Reopened, &r.Version, &r.CreatedAt, &r.CreatedBy, &r.UpdatedAt); err != nil {
		return nil, err
	}
	if lang == "en" && catEn != "" {
		r.CategoryName = catEn
	}
	r.ResidentID, r.UnitID, r.FirstUnitID, r.PolicyID = nullInt(resident), nullInt(unit), nullInt(first), nullInt(policy)
	r.DispatchedAt, r.RespondedAt, r.ResolvedAt, r.ClosedAt, r.WarnedAt, r.EscalatedAt =
		nullTime(disp), nullTime(resp), nullTime(reso), nullTime(closed), nullTime(warned), nullTime(esc)
	r.ResponseDue, r.ResolutionDue = r.ResponseDue.UTC(), r.ResolutionDue.UTC()
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.Number = Number(r.ID, r.CreatedAt)
	return r, nil
}

// get reads one request within the reach; ENOTFOUND otherwise. lock takes
// the row for the transaction's write.
func (s *Store) get(ctx context.Context, id int64, rc reach, lang string, lock bool) (*Request, error) {
	args := []any{id}
	idCond := "r.id = $1"
	if lock {
		idCond = "r.id = (SELECT id FROM requests WHERE id = $1" + s.DB.ForUpdate() + ")"
	}
	q := `SELECT ` + reqCols + reqFrom + ` WHERE ` + idCond + ` AND ` + rc.where(&args)
	r, err := scanRequest(s.DB.Q(ctx).QueryRowContext(ctx, q, args...), lang)
	if err != nil {
		return nil, db.RowErr(err, "request.Store.get: select", "request.not_found")
	}
	return r, nil
}

// ratings counts the resident's online ratings of a request.
func (s *Store) ratings(ctx context.Context, id int64) (int, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM request_callbacks WHERE request_id = $1 AND kind = $2`,
		id, KindRating).Scan(&n); err != nil {
		return 0, errs.Internal("request.ratings", err)
	}
	return n, nil
}

func (s *Store) exists(ctx context.Context, id int64) bool {
	var n int
	return s.DB.Q(ctx).QueryRowContext(ctx, `SELECT 1 FROM requests WHERE id = $1`, id).Scan(&n) == nil
}

// list returns a page of requests within the reach, newest first.
func (s *Store) list(ctx context.Context, f Filter, rc reach, lang string, now time.Time, page, perPage int) ([]Request, bool, error) {
	var args []any
	if f.Division != "" && (rc.all || rc.lo != "") {
		// The service checked that the division lies inside the area.
		rc = reach{}
		rc.lo, rc.hi = division.RangeOf(f.Division)
		f.Division = ""
	}
	from, order := reqFrom, "r.id DESC"
	var conds []string
	if rc.unitID != 0 {
		// A unit's list walks its assignments newest first.
		from = ` FROM request_assignments ra JOIN requests r ON r.id = ra.request_id LEFT JOIN divisions d ON d.code = r.division_code
	LEFT JOIN request_categories c ON c.code = r.category_code LEFT JOIN request_units u ON u.id = r.unit_id`
		args = append(args, rc.unitID)
		conds, order = []string{"ra.unit_id = $1"}, "ra.request_id DESC"
	} else {
		conds = []string{rc.where(&args)}
	}
	add := func(cond string, vals ...any) {
		for _, v := range vals {
			args = append(args, v)
			cond = strings.Replace(cond, "?", "$"+itoa(len(args)), 1)
		}
		conds = append(conds, cond)
	}
	if f.Division != "" {
		lo, hi := division.RangeOf(f.Division)
		add("r.division_code BETWEEN ? AND ?", lo, hi)
	}
	if f.Status != "" {
		add("r.status = ?", f.Status)
	}
	if f.Category != "" {
		add("(r.category_code = ? OR r.category_code IN (SELECT code FROM request_categories WHERE parent_code = ?))", f.Category, f.Category)
	}
	if f.UnitID != 0 {
		add("r.unit_id = ?", f.UnitID)
	}
	if f.Overdue {
		add("r.closed_at IS NULL AND r.resolved_at IS NULL AND r.resolution_due < ?", now)
	}
	if f.Q != "" {
		id, _, ok := ParseNumber(f.Q)
		if !ok {
			id = -1
		}
		add("r.id = ?", id)
	}
	args = db.PageArgs(args, page, perPage)
	q := `SELECT ` + reqCols + from + ` WHERE ` + strings.Join(conds, " AND ") +
		` ORDER BY ` + order + ` LIMIT $` + itoa(len(args)-1) + ` OFFSET $` + itoa(len(args))
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("request.Store.list: select", err)
	}
	out, more, err := db.Page(rows, perPage, func(sc interface{ Scan(...any) error }) (*Request, error) { return scanRequest(sc, lang) })
	if err != nil {
		return nil, false, errs.Internal("request.Store.list: select", err)
	}
	return out, more, nil
}

// selection reads the requests of a selection within the reach, newest
// first.
func (s *Store) selection(ctx context.Context, sel Selection, rc reach, lang string) ([]Request, error) {
	var args []any
	conds := []string{rc.where(&args)}
	in := func(col string, vals []string) {
		ph := make([]string, len(vals))
		for i, v := range vals {
			args = append(args, v)
			ph[i] = "$" + itoa(len(args))
		}
		conds = append(conds, col+" IN ("+strings.Join(ph, ",")+")")
	}
	if len(sel.IDs) > 0 {
		ids := make([]string, len(sel.IDs))
		for i, id := range sel.IDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		in("CAST(r.id AS TEXT)", ids)
	} else {
		if len(sel.Categories) > 0 {
			in("r.category_code", sel.Categories)
		}
		switch {
		case sel.Open:
			args = append(args, StatusClosed)
			conds = append(conds, "r.status <> $"+itoa(len(args)))
		case sel.Closed:
			args = append(args, StatusClosed)
			conds = append(conds, "r.status = $"+itoa(len(args)))
		}
		args = append(args, sel.From, sel.To)
		conds = append(conds, "r.created_at >= $"+itoa(len(args)-1)+" AND r.created_at <= $"+itoa(len(args)))
	}
	args = append(args, sel.Limit)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+reqCols+reqFrom+` WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY r.id DESC LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, errs.Internal("request.Store.selection: select", err)
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows, lang)
		if err != nil {
			return nil, errs.Internal("request.Store.selection: scan", err)
		}
		out = append(out, *r)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("request.Store.selection: read", err)
	}
	return out, nil
}

func (s *Store) events(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT e.id, e.action, e.actor_id, e.actor_name, e.actor_role, e.unit_id,
		COALESCE(u.name, ''), e.note, e.data, e.at FROM request_events e LEFT JOIN request_units u ON u.id = e.unit_id
		WHERE e.request_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var actor, unit sql.NullInt64
		var data string
		if err := rows.Scan(&e.ID, &e.Action, &actor, &e.ActorName, &e.ActorRole, &unit, &e.UnitName, &e.Note, &data, &e.At); err != nil {
			return nil, err
		}
		e.ActorID, e.UnitID, e.Data, e.At = nullInt(actor), nullInt(unit), json.RawMessage(data), e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Store) details(ctx context.Context, r *Request) error {
	var err error
	if r.Events, err = s.events(ctx, r.ID); err != nil {
		return err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT blob_id, kind FROM request_photos WHERE request_id = $1 ORDER BY blob_id`, r.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var b int64
		var kind string
		if err := rows.Scan(&b, &kind); err != nil {
			rows.Close()
			return err
		}
		if kind == PhotoReply {
			r.ReplyPhotos = append(r.ReplyPhotos, b)
		} else {
			r.Photos = append(r.Photos, b)
		}
	}
	rows.Close()
	rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT u.id, u.name, u.kind, u.division_code, u.active FROM request_assignments a
		JOIN request_units u ON u.id = a.unit_id WHERE a.request_id = $1 AND a.role = 'assist' ORDER BY u.id`, r.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.Kind, &u.DivisionCode, &u.Active); err != nil {
			rows.Close()
			return err
		}
		r.Assists = append(r.Assists, u)
	}
	rows.Close()
	rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT id, kind, contacted, solved, satisfaction, comment, actor_name, at
		FROM request_callbacks WHERE request_id = $1 ORDER BY id`, r.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c Callback
		if err := rows.Scan(&c.ID, &c.Kind, &c.Contacted, &c.Solved, &c.Satisfaction, &c.Comment, &c.ActorName, &c.At); err != nil {
			rows.Close()
			return err
		}
		c.At = c.At.UTC()
		r.Callbacks = append(r.Callbacks, c)
	}
	rows.Close()
	if r.Extensions, err = s.extensions(ctx, r.ID); err != nil {
		return err
	}
	r.Appeals, err = s.appeals(ctx, r.ID)
	return err
}

func (s *Store) extensions(ctx context.Context, id int64) ([]Extension, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, unit_id, days, reason, status, requested_at, decided_by, decided_at, decision
		FROM request_extensions WHERE request_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Extension
	for rows.Next() {
		var e Extension
		var at sql.NullTime
		if err := rows.Scan(&e.ID, &e.UnitID, &e.Days, &e.Reason, &e.Status, &e.RequestedAt, &e.DecidedBy, &at, &e.Decision); err != nil {
			return nil, err
		}
		e.RequestedAt, e.DecidedAt = e.RequestedAt.UTC(), nullTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Store) appeals(ctx context.Context, id int64) ([]Appeal, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, unit_id, reason, note, status, requested_at, decided_by, decided_at, decision
		FROM request_appeals WHERE request_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Appeal
	for rows.Next() {
		var a Appeal
		var at sql.NullTime
		if err := rows.Scan(&a.ID, &a.UnitID, &a.Reason, &a.Note, &a.Status, &a.RequestedAt, &a.DecidedBy, &at, &a.Decision); err != nil {
			return nil, err
		}
		a.RequestedAt, a.DecidedAt = a.RequestedAt.UTC(), nullTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// event appends a timeline step in ctx's transaction.
func (s *Store) event(ctx context.Context, id int64, action string, actorID *int64, actorName, actorRole string, unitID *int64, note string, data any, at time.Time) error {
	b := []byte("{}")
	if data != nil {
		var err error
		if b, err = json.Marshal(data); err != nil {
			return err
		}
	}
	_, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_events (request_id, action, actor_id, actor_name, actor_role, unit_id, note, data, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, action, actorID, actorName, actorRole, unitID, note, string(b), at)
	return err
}

// Unit reads a handling unit.
func (s *Store) unit(ctx context.Context, id int64) (*Unit, error) {
	u := &Unit{}
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id, name, kind, division_code, active FROM request_units WHERE id = $1`, id).
		Scan(&u.ID, &u.Name, &u.Kind, &u.DivisionCode, &u.Active)
	if err != nil {
		return nil, db.RowErr(err, "request.Store.unit: select request_units", "request.unit_not_found")
	}
	return u, nil
}

func (s *Store) units(ctx context.Context, lo, hi string) ([]Unit, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, name, kind, division_code, active FROM request_units
		WHERE division_code BETWEEN $1 AND $2 ORDER BY division_code, kind, name LIMIT 2000`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.Kind, &u.DivisionCode, &u.Active); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// unitOfUser is the unit an account acts for: its membership (handling
// unit accounts), else the township or community unit of its area.
func (s *Store) unitOfUser(ctx context.Context, userID int64, areaCode string) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT unit_id FROM request_unit_members WHERE user_id = $1`, userID).Scan(&id)
	if err == nil || !db.IsNoRows(err) {
		return id, err
	}
	if areaCode == "" {
		return 0, nil
	}
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM request_units WHERE division_code = $1 AND kind IN ('township', 'community')
		AND active = $2 ORDER BY id LIMIT 1`, areaCode, true).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	return id, err
}

func (s *Store) category(ctx context.Context, code string) (*Category, error) {
	c := &Category{}
	var parent sql.NullString
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT code, parent_code, name_zh, name_en, urgency, sort, reply_photo FROM request_categories WHERE code = $1`, code).
		Scan(&c.Code, &parent, &c.NameZh, &c.NameEn, &c.Urgency, &c.Sort, &c.ReplyPhoto)
	if err != nil {
		return nil, db.RowErr(err, "request.Store.category: select request_categories", "request.category_not_found")
	}
	c.ParentCode = parent.String
	return c, nil
}

func (s *Store) categories(ctx context.Context) ([]Category, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, parent_code, name_zh, name_en, urgency, sort, reply_photo FROM request_categories ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		var parent sql.NullString
		if err := rows.Scan(&c.Code, &parent, &c.NameZh, &c.NameEn, &c.Urgency, &c.Sort, &c.ReplyPhoto); err != nil {
			return nil, err
		}
		c.ParentCode = parent.String
		out = append(out, c)
	}
	return out, rows.Err()
}

func scanPolicy(s interface{ Scan(...any) error }) (*Policy, error) {
	p := &Policy{}
	var unit sql.NullInt64
	var limits string
	if err := s.Scan(&p.ID, &p.CategoryCode, &p.DivisionCode, &p.EffectiveFrom, &unit, &p.UnitName, &limits, &p.CreatedAt, &p.CreatedBy); err != nil {
		return nil, err
	}
	p.UnitID = nullInt(unit)
	p.EffectiveFrom, p.CreatedAt = p.EffectiveFrom.UTC(), p.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(limits), &p.Limits); err != nil {
		return nil, err
	}
	return p, nil
}

const policyCols = `p.id, p.category_code, p.division_code, p.effective_from, p.unit_id, COALESCE(u.name, ''), p.limits, p.created_at, p.created_by`

// policyFor is the rule in force at t for a category (or its parent) and
// a division: the category's own rule before its parent's, then the
// deepest division that contains it (a deeper code sorts later among
// ancestors), then the latest effective date; nil when none. One query.
func (s *Store) policyFor(ctx context.Context, category, parent, code string, at time.Time) (*Policy, error) {
	if parent == "" {
		parent = category
	}
	args := []any{category, parent, at}
	var in []string
	for _, n := range []int{12, 9, 6, 4, 2} {
		args = append(args, code[:n]+strings.Repeat("0", 12-n))
		in = append(in, "$"+itoa(len(args)))
	}
	p, err := scanPolicy(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+policyCols+` FROM request_policies p
		LEFT JOIN request_units u ON u.id = p.unit_id
		WHERE p.category_code IN ($1, $2) AND p.effective_from <= $3 AND p.division_code IN (`+strings.Join(in, ", ")+`)
		ORDER BY CASE WHEN p.category_code = $1 THEN 0 ELSE 1 END, p.division_code DESC, p.effective_from DESC, p.id DESC LIMIT 1`, args...))
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Store) policies(ctx context.Context, category string) ([]Policy, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+policyCols+` FROM request_policies p LEFT JOIN request_units u ON u.id = p.unit_id
		WHERE ($1 = '' OR p.category_code = $1) ORDER BY p.category_code, p.division_code, p.effective_from DESC LIMIT 1000`, category)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Policy
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// setting reads an integer setting, def when unset.
func (s *Store) setting(ctx context.Context, key string, def int64) int64 {
	var v int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT value FROM request_settings WHERE key = $1`, key).Scan(&v); err != nil {
		return def
	}
	return v
}

func itoa(n int) string {
	const d = "0123456789"
	if n < 10 {
		return d[n : n+1]
	}
	return itoa(n/10) + d[n%10:n%10+1]
}

// memberAccount reads the role and area of an account that is to act for
// a unit; ENOTFOUND when there is no such account.
func (s *Store) memberAccount(ctx context.Context, userID int64) (role, area string, err error) {
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT role, area_code FROM users WHERE id = $1`, userID).Scan(&role, &area)
	if err != nil {
		return "", "", db.RowErr(err, "request.memberAccount", "request.member_not_found")
	}
	return role, area, nil
}

// membership is the unit an account acts for, or nil.
func (s *Store) membership(ctx context.Context, userID int64) (*Unit, error) {
	u := &Unit{}
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT u.id, u.name, u.kind, u.division_code, u.active FROM request_unit_members m
		JOIN request_units u ON u.id = m.unit_id WHERE m.user_id = $1`, userID).Scan(&u.ID, &u.Name, &u.Kind, &u.DivisionCode, &u.Active)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Internal("request.membership", err)
	}
	return u, nil
}

// addMember makes an account act for a unit. An account acts for one unit
// at most: a member of another unit is ECONFLICT, never moved.
func (s *Store) addMember(ctx context.Context, userID, unitID int64) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_unit_members (user_id, unit_id) VALUES ($1, $2)`, userID, unitID)
	if db.IsUniqueViolation(err) {
		return errs.Conflict("request.member_taken")
	}
	if err != nil {
		return errs.Internal("request.addMember", err)
	}
	return nil
}

// removeMember ends an account's membership of a unit; false when it was
// not a member of that unit.
func (s *Store) removeMember(ctx context.Context, userID, unitID int64) (bool, error) {
	res, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM request_unit_members WHERE user_id = $1 AND unit_id = $2`, userID, unitID)
	if err != nil {
		return false, errs.Internal("request.removeMember", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, errs.Internal("request.removeMember", err)
	}
	return n > 0, nil
}

// replyPhotoNeeded says whether a reply to a request of the category must
// bring a photo: the category's own setting or its parent's.
func (s *Store) replyPhotoNeeded(ctx context.Context, code string) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM request_categories c LEFT JOIN request_categories p ON p.code = c.parent_code
		WHERE c.code = $1 AND (c.reply_photo OR COALESCE(p.reply_photo, FALSE))`, code).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("request.replyPhotoNeeded: %w", err)
	}
	return n > 0, nil
}

// addPhoto keeps a stored blob as a photo of the request, of a kind
// (PhotoIntake, PhotoReply).
func (s *Store) addPhoto(ctx context.Context, requestID, blobID int64, kind string) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_photos (request_id, blob_id, kind) VALUES ($1, $2, $3)`, requestID, blobID, kind); err != nil {
		return fmt.Errorf("request.addPhoto: %w", err)
	}
	return nil
}
