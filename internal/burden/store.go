package burden

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the slice.
type Store struct{ DB *db.DB }

type scanner = interface{ Scan(...any) error }

// page appends LIMIT and OFFSET parameters for one page to q and args.
func page(q string, args []any, p, perPage int) (string, []any) {
	args = db.PageArgs(args, p, perPage)
	return q + ` LIMIT $` + strconv.Itoa(len(args)-1) + ` OFFSET $` + strconv.Itoa(len(args)), args
}

// arg appends v to args and returns its placeholder.
func arg(args *[]any, v any) string {
	*args = append(*args, v)
	return "$" + strconv.Itoa(len(*args))
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// divisionName is a division's name ("" when there is none).
func (st *Store) divisionName(ctx context.Context, code string) (string, error) {
	var name string
	err := st.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1`, code).Scan(&name)
	if db.IsNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", errs.Internal("burden.Store.divisionName: select divisions", err)
	}
	return name, nil
}

// communityCount counts the communities at or under lo..hi.
func (st *Store) communityCount(ctx context.Context, lo, hi string) (int, error) {
	var n int
	err := st.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM divisions WHERE level = 5 AND code BETWEEN $1 AND $2`, lo, hi).Scan(&n)
	if err != nil {
		return 0, errs.Internal("burden.Store.communityCount: select divisions", err)
	}
	return n, nil
}

// counties lists the counties at or under lo..hi, and the county code
// given (the one a caller below county level lies in), by code.
func (st *Store) counties(ctx context.Context, lo, hi, own string) ([]BurdenCountyFigures, error) {
	rows, err := st.DB.Q(ctx).QueryContext(ctx, `SELECT code, name FROM divisions WHERE level = 3 AND (code BETWEEN $1 AND $2 OR code = $3) ORDER BY code`, lo, hi, own)
	if err != nil {
		return nil, errs.Internal("burden.Store.counties: select divisions", err)
	}
	defer rows.Close()
	var out []BurdenCountyFigures
	for rows.Next() {
		var c BurdenCountyFigures
		if err := rows.Scan(&c.Code, &c.Name); err != nil {
			return nil, errs.Internal("burden.Store.counties: scan", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const itemCols = `i.id, i.list, i.division_code, COALESCE(d.name, ''), i.name, i.basis, COALESCE(i.unit_id, 0), i.unit_name, i.kind,
	i.funding, i.conditions, COALESCE(i.admission_id, 0), i.created_at, i.created_by, i.retired_at`

const itemFrom = ` FROM burden_items i LEFT JOIN divisions d ON d.code = i.division_code`

func scanItem(sc scanner) (*BurdenItem, error) {
	var it BurdenItem
	if err := sc.Scan(&it.ID, &it.List, &it.DivisionCode, &it.DivisionName, &it.Name, &it.Basis, &it.UnitID, &it.UnitName, &it.Kind,
		&it.Funding, &it.Conditions, &it.AdmissionID, &it.CreatedAt, &it.CreatedBy, &it.RetiredAt); err != nil {
		return nil, err
	}
	it.CreatedAt, it.RetiredAt = it.CreatedAt.UTC(), utc(it.RetiredAt)
	return &it, nil
}

// insertItem adds an item; a name already on the same list answers ECONFLICT.
func (st *Store) insertItem(ctx context.Context, it *BurdenItem) error {
	var unit any
	if it.UnitID > 0 {
		unit = it.UnitID
	}
	var adm any
	if it.AdmissionID > 0 {
		adm = it.AdmissionID
	}
	err := st.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO burden_items (list, division_code, name, basis, unit_id, unit_name, kind, funding,
		conditions, admission_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		it.List, it.DivisionCode, it.Name, it.Basis, unit, it.UnitName, it.Kind, it.Funding, it.Conditions, adm, it.CreatedAt, it.CreatedBy).Scan(&it.ID)
	if db.IsUniqueViolation(err) {
		return errs.Conflict("burden.item_exists", it.Name)
	}
	if err != nil {
		return errs.Internal("burden.Store.insertItem: insert burden_items", err)
	}
	return nil
}

func (st *Store) item(ctx context.Context, id int64) (*BurdenItem, error) {
	it, err := scanItem(st.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+itemCols+itemFrom+` WHERE i.id = $1`, id))
	if err != nil {
		return nil, db.RowErr(err, "burden.Store.item: select burden_items", "burden.item_not_found", id)
	}
	return it, nil
}

// itemNamed is the current item of a list named name on the list of one
// of codes (a county's, the city's).
func (st *Store) itemNamed(ctx context.Context, list, name string, codes []string) (*BurdenItem, error) {
	args := []any{list, name}
	q := `SELECT ` + itemCols + itemFrom + ` WHERE i.list = $1 AND i.name = $2 AND i.retired_at IS NULL AND i.division_code IN (`
	for k, c := range codes {
		if k > 0 {
			q += ", "
		}
		q += arg(&args, c)
	}
	it, err := scanItem(st.DB.Q(ctx).QueryRowContext(ctx, q+`) ORDER BY i.id LIMIT 1`, args...))
	if err != nil {
		return nil, db.RowErr(err, "burden.Store.itemNamed: select burden_items", "burden.item_not_found", name)
	}
	return it, nil
}

// ItemFilter selects items of a list: those kept at or under lo..hi and
// those of the lists above (the county's and the city's of a caller below
// them).
type ItemFilter struct {
	List    string
	Q       string
	Page    int
	PerPage int
	lo, hi  string
	above   []string
}

func (st *Store) items(ctx context.Context, f ItemFilter) ([]BurdenItem, bool, error) {
	args := []any{f.List, f.lo, f.hi}
	q := `SELECT ` + itemCols + itemFrom + ` WHERE i.list = $1 AND i.retired_at IS NULL AND (i.division_code BETWEEN $2 AND $3`
	for _, c := range f.above {
		q += ` OR i.division_code = ` + arg(&args, c)
	}
	q += `)`
	if f.Q != "" {
		p := arg(&args, "%"+f.Q+"%")
		q += ` AND (i.name LIKE ` + p + ` OR i.unit_name LIKE ` + p + `)`
	}
	q, args = page(q+` ORDER BY i.division_code, i.unit_name, i.name, i.id`, args, f.Page, f.PerPage)
	rows, err := st.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("burden.Store.items: select burden_items", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanItem)
	if err != nil {
		return nil, false, errs.Internal("burden.Store.items: scan", err)
	}
	return out, more, nil
}

func (st *Store) retireItem(ctx context.Context, id int64, at time.Time, by string) (bool, error) {
	res, err := st.DB.Q(ctx).ExecContext(ctx, `UPDATE burden_items SET retired_at = $1, retired_by = $2 WHERE id = $3 AND retired_at IS NULL`, at, by, id)
	if err != nil {
		return false, errs.Internal("burden.Store.retireItem: update burden_items", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// workItemCount counts the current work items on the lists of codes.
func (st *Store) workItemCount(ctx context.Context, codes ...string) (int, error) {
	args := []any{}
	q := `SELECT COUNT(*) FROM burden_items WHERE list = 'work' AND retired_at IS NULL AND division_code IN (`
	for k, c := range codes {
		if k > 0 {
			q += ", "
		}
		q += arg(&args, c)
	}
	var n int
	if err := st.DB.Q(ctx).QueryRowContext(ctx, q+`)`, args...).Scan(&n); err != nil {
		return 0, errs.Internal("burden.Store.workItemCount: select burden_items", err)
	}
	return n, nil
}

const admCols = `a.id, a.division_code, COALESCE(d.name, ''), a.unit_id, a.unit_name, a.name, a.basis, a.kind, a.funding, a.conditions, a.reason,
	a.status, a.filed_by_id, a.filed_by, a.filed_at, a.decided_by, a.decided_at, a.decision_reason, COALESCE(a.item_id, 0)`

const admFrom = ` FROM burden_admissions a LEFT JOIN divisions d ON d.code = a.division_code`

func scanAdmission(sc scanner) (*BurdenAdmission, error) {
	var a BurdenAdmission
	if err := sc.Scan(&a.ID, &a.DivisionCode, &a.DivisionName, &a.UnitID, &a.UnitName, &a.Name, &a.Basis, &a.Kind, &a.Funding, &a.Conditions,
		&a.Reason, &a.Status, &a.filedByID, &a.FiledBy, &a.FiledAt, &a.DecidedBy, &a.DecidedAt, &a.DecisionReason, &a.ItemID); err != nil {
		return nil, err
	}
	a.FiledAt, a.DecidedAt = a.FiledAt.UTC(), utc(a.DecidedAt)
	return &a, nil
}

func (st *Store) insertAdmission(ctx context.Context, a *BurdenAdmission) error {
	err := st.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO burden_admissions (division_code, unit_id, unit_name, name, basis, kind, funding,
		conditions, reason, status, filed_by_id, filed_by, filed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		a.DivisionCode, a.UnitID, a.UnitName, a.Name, a.Basis, a.Kind, a.Funding, a.Conditions, a.Reason, a.Status, a.filedByID, a.FiledBy, a.FiledAt).Scan(&a.ID)
	if err != nil {
		return errs.Internal("burden.Store.insertAdmission: insert burden_admissions", err)
	}
	return nil
}

func (st *Store) admission(ctx context.Context, id int64, lock bool) (*BurdenAdmission, error) {
	q := `SELECT ` + admCols + admFrom + ` WHERE a.id = $1`
	if lock {
		q = `SELECT ` + admCols + ` FROM burden_admissions a LEFT JOIN divisions d ON d.code = a.division_code WHERE a.id = $1` + st.DB.LockOf(ctx, "a")
	}
	a, err := scanAdmission(st.DB.Q(ctx).QueryRowContext(ctx, q, id))
	if err != nil {
		return nil, db.RowErr(err, "burden.Store.admission: select burden_admissions", "burden.admission_not_found", id)
	}
	return a, nil
}

// AdmissionFilter selects admission requests: of one unit, or to the
// counties at or under lo..hi (and the county above a caller below it).
type AdmissionFilter struct {
	Status  string
	Page    int
	PerPage int
	unitID  int64
	lo, hi  string
	above   string
}

func (st *Store) admissions(ctx context.Context, f AdmissionFilter) ([]BurdenAdmission, bool, error) {
	var args []any
	q := `SELECT ` + admCols + admFrom + ` WHERE `
	if f.unitID > 0 {
		q += `a.unit_id = ` + arg(&args, f.unitID)
	} else {
		q += `(a.division_code BETWEEN ` + arg(&args, f.lo) + ` AND ` + arg(&args, f.hi) + ` OR a.division_code = ` + arg(&args, f.above) + `)`
	}
	if f.Status != "" {
		q += ` AND a.status = ` + arg(&args, f.Status)
	}
	q, args = page(q+` ORDER BY a.id DESC`, args, f.Page, f.PerPage)
	rows, err := st.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("burden.Store.admissions: select burden_admissions", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanAdmission)
	if err != nil {
		return nil, false, errs.Internal("burden.Store.admissions: scan", err)
	}
	return out, more, nil
}

func (st *Store) decideAdmission(ctx context.Context, a *BurdenAdmission) error {
	var item any
	if a.ItemID > 0 {
		item = a.ItemID
	}
	_, err := st.DB.Q(ctx).ExecContext(ctx, `UPDATE burden_admissions SET status = $1, decided_by = $2, decided_at = $3, decision_reason = $4,
		item_id = $5 WHERE id = $6`, a.Status, a.DecidedBy, a.DecidedAt, a.DecisionReason, item, a.ID)
	if err != nil {
		return errs.Internal("burden.Store.decideAdmission: update burden_admissions", err)
	}
	return nil
}

// admissionCounts counts a county's admission requests by status.
func (st *Store) admissionCounts(ctx context.Context, county string) (map[string]int, error) {
	return db.Map[string, int](ctx, st.DB.Q(ctx), "burden.Store.admissionCounts: select burden_admissions",
		`SELECT status, COUNT(*) FROM burden_admissions WHERE division_code = $1 GROUP BY status`, county)
}

// insertTask adds a task and a share for each community at or under its
// area; it answers the number of communities.
func (st *Store) insertTask(ctx context.Context, t *BurdenTask) error {
	err := st.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO burden_tasks (unit_id, unit_name, item_id, item_name, title, area_code, deadline,
		created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		t.UnitID, t.UnitName, t.ItemID, t.ItemName, t.Title, t.AreaCode, t.Deadline, t.CreatedBy, t.CreatedAt).Scan(&t.ID)
	if err != nil {
		return errs.Internal("burden.Store.insertTask: insert burden_tasks", err)
	}
	lo, hi := rangeOf(t.AreaCode)
	res, err := st.DB.Q(ctx).ExecContext(ctx, `INSERT INTO burden_task_communities (task_id, community_code)
		SELECT $1, code FROM divisions WHERE level = 5 AND code BETWEEN $2 AND $3`, t.ID, lo, hi)
	if err != nil {
		return errs.Internal("burden.Store.insertTask: insert burden_task_communities", err)
	}
	n, _ := res.RowsAffected()
	t.Communities = int(n)
	return nil
}

func (st *Store) insertRefusal(ctx context.Context, u *Unit, area, title, item string, at time.Time, by string) error {
	_, err := st.DB.Q(ctx).ExecContext(ctx, `INSERT INTO burden_refusals (unit_id, unit_name, area_code, title, item_name, refused_at, refused_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.ID, u.Name, area, title, item, at, by)
	if err != nil {
		return errs.Internal("burden.Store.insertRefusal: insert burden_refusals", err)
	}
	return nil
}

// TaskFilter selects tasks: of one unit, or with communities at or under
// lo..hi; the counts are of the communities in lo..hi.
type TaskFilter struct {
	Page    int
	PerPage int
	unitID  int64
	lo, hi  string
	one     bool // the caller is one community: its share's state
}

const taskCols = `t.id, t.unit_id, t.unit_name, t.item_id, t.item_name, t.title, t.area_code, COALESCE(d.name, ''), t.deadline, t.created_by, t.created_at`

func (st *Store) tasks(ctx context.Context, f TaskFilter) ([]BurdenTask, bool, error) {
	args := []any{f.lo, f.hi}
	q := `SELECT ` + taskCols + `, COUNT(c.community_code), COUNT(c.done_at), MAX(c.done_at), MAX(c.done_by)
		FROM burden_tasks t JOIN burden_task_communities c ON c.task_id = t.id AND c.community_code BETWEEN $1 AND $2
		LEFT JOIN divisions d ON d.code = t.area_code`
	if f.unitID > 0 {
		q += ` WHERE t.unit_id = ` + arg(&args, f.unitID)
	}
	q += ` GROUP BY ` + taskCols + ` ORDER BY t.deadline, t.id DESC`
	q, args = page(q, args, f.Page, f.PerPage)
	rows, err := st.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("burden.Store.tasks: select burden_tasks", err)
	}
	out, more, err := db.Page(rows, f.PerPage, func(sc scanner) (*BurdenTask, error) {
		var t BurdenTask
		var doneAt sql.NullString
		var doneBy sql.NullString
		if err := sc.Scan(&t.ID, &t.UnitID, &t.UnitName, &t.ItemID, &t.ItemName, &t.Title, &t.AreaCode, &t.AreaName, &t.Deadline,
			&t.CreatedBy, &t.CreatedAt, &t.Communities, &t.Done, &doneAt, &doneBy); err != nil {
			return nil, err
		}
		t.CreatedAt = t.CreatedAt.UTC()
		if f.one {
			t.Community = &BurdenTaskCommunity{Code: f.lo, DoneBy: doneBy.String}
		}
		return &t, nil
	})
	if err != nil {
		return nil, false, errs.Internal("burden.Store.tasks: scan", err)
	}
	return out, more, nil
}

// markDone marks a community's share of a task done; false when it has
// no such share or it is done already.
func (st *Store) markDone(ctx context.Context, taskID int64, community string, at time.Time, by string) (bool, error) {
	res, err := st.DB.Q(ctx).ExecContext(ctx, `UPDATE burden_task_communities SET done_at = $1, done_by = $2
		WHERE task_id = $3 AND community_code = $4 AND done_at IS NULL`, at, by, taskID, community)
	if err != nil {
		return false, errs.Internal("burden.Store.markDone: update burden_task_communities", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// unitFigures are the departments' tasks and refusals at or under lo..hi.
func (st *Store) unitFigures(ctx context.Context, lo, hi string) ([]BurdenUnitFigures, error) {
	rows, err := st.DB.Q(ctx).QueryContext(ctx, `SELECT t.unit_id, t.unit_name, COUNT(DISTINCT t.id), COUNT(*), COUNT(c.done_at)
		FROM burden_tasks t JOIN burden_task_communities c ON c.task_id = t.id AND c.community_code BETWEEN $1 AND $2
		GROUP BY t.unit_id, t.unit_name ORDER BY COUNT(*) DESC, t.unit_name`, lo, hi)
	if err != nil {
		return nil, errs.Internal("burden.Store.unitFigures: select burden_tasks", err)
	}
	defer rows.Close()
	var out []BurdenUnitFigures
	at := map[int64]int{}
	for rows.Next() {
		var u BurdenUnitFigures
		if err := rows.Scan(&u.UnitID, &u.UnitName, &u.Tasks, &u.Shares, &u.Done); err != nil {
			return nil, errs.Internal("burden.Store.unitFigures: scan", err)
		}
		at[u.UnitID] = len(out)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("burden.Store.unitFigures: rows", err)
	}
	rows2, err := st.DB.Q(ctx).QueryContext(ctx, `SELECT unit_id, unit_name, COUNT(*) FROM burden_refusals
		WHERE area_code BETWEEN $1 AND $2 GROUP BY unit_id, unit_name ORDER BY unit_name`, lo, hi)
	if err != nil {
		return nil, errs.Internal("burden.Store.unitFigures: select burden_refusals", err)
	}
	defer rows2.Close()
	for rows2.Next() {
		var id int64
		var name string
		var n int
		if err := rows2.Scan(&id, &name, &n); err != nil {
			return nil, errs.Internal("burden.Store.unitFigures: scan refusals", err)
		}
		if k, ok := at[id]; ok {
			out[k].Refused = n
		} else {
			at[id] = len(out)
			out = append(out, BurdenUnitFigures{UnitID: id, UnitName: name, Refused: n})
		}
	}
	return out, rows2.Err()
}

const proofCols = `p.id, p.number, p.item_id, p.item_name, p.basis, p.community_code, p.community_name, p.user_id, p.holder_name, p.purpose,
	p.status, p.requested_at, p.content, p.decided_at, p.decided_by, p.refuse_reason, p.revoked_at, p.revoked_by, p.revoke_reason`

func scanProof(sc scanner) (*BurdenProof, error) {
	var p BurdenProof
	if err := sc.Scan(&p.ID, &p.Number, &p.ItemID, &p.ItemName, &p.Basis, &p.CommunityCode, &p.CommunityName, &p.UserID, &p.HolderName,
		&p.Purpose, &p.Status, &p.RequestedAt, &p.Content, &p.DecidedAt, &p.DecidedBy, &p.RefuseReason, &p.RevokedAt, &p.RevokedBy,
		&p.RevokeReason); err != nil {
		return nil, err
	}
	p.RequestedAt, p.DecidedAt, p.RevokedAt = p.RequestedAt.UTC(), utc(p.DecidedAt), utc(p.RevokedAt)
	return &p, nil
}

func (st *Store) insertProof(ctx context.Context, p *BurdenProof) error {
	err := st.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO burden_proofs (item_id, item_name, basis, community_code, community_name, user_id,
		holder_name, purpose, status, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		p.ItemID, p.ItemName, p.Basis, p.CommunityCode, p.CommunityName, p.UserID, p.HolderName, p.Purpose, p.Status, p.RequestedAt).Scan(&p.ID)
	if err != nil {
		return errs.Internal("burden.Store.insertProof: insert burden_proofs", err)
	}
	return nil
}

// proof reads a proof by id (number "") or by number.
func (st *Store) proof(ctx context.Context, id int64, number string, lock bool) (*BurdenProof, error) {
	q := `SELECT ` + proofCols + ` FROM burden_proofs p WHERE `
	var key any = id
	if number != "" {
		q, key = q+`p.number = $1`, number
	} else {
		q += `p.id = $1`
	}
	if lock {
		q += st.DB.ForUpdate()
	}
	p, err := scanProof(st.DB.Q(ctx).QueryRowContext(ctx, q, key))
	if err != nil {
		return nil, db.RowErr(err, "burden.Store.proof: select burden_proofs", "burden.proof_not_found", key)
	}
	return p, nil
}

// ProofFilter selects proofs: of one resident, or of the communities at
// or under lo..hi.
type ProofFilter struct {
	Status  string
	Page    int
	PerPage int
	userID  int64
	lo, hi  string
}

func (st *Store) proofs(ctx context.Context, f ProofFilter) ([]BurdenProof, bool, error) {
	var args []any
	q := `SELECT ` + proofCols + ` FROM burden_proofs p WHERE `
	if f.userID > 0 {
		q += `p.user_id = ` + arg(&args, f.userID)
	} else {
		q += `p.community_code BETWEEN ` + arg(&args, f.lo) + ` AND ` + arg(&args, f.hi)
	}
	if f.Status != "" {
		q += ` AND p.status = ` + arg(&args, f.Status)
	}
	q, args = page(q+` ORDER BY p.id DESC`, args, f.Page, f.PerPage)
	rows, err := st.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("burden.Store.proofs: select burden_proofs", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanProof)
	if err != nil {
		return nil, false, errs.Internal("burden.Store.proofs: scan", err)
	}
	return out, more, nil
}

// decideProof stores an issue or a refusal; the number is unique.
func (st *Store) decideProof(ctx context.Context, p *BurdenProof) error {
	_, err := st.DB.Q(ctx).ExecContext(ctx, `UPDATE burden_proofs SET status = $1, number = $2, content = $3, decided_at = $4, decided_by = $5,
		refuse_reason = $6 WHERE id = $7`, p.Status, p.Number, p.Content, p.DecidedAt, p.DecidedBy, p.RefuseReason, p.ID)
	return err
}

func (st *Store) revokeProof(ctx context.Context, p *BurdenProof) error {
	_, err := st.DB.Q(ctx).ExecContext(ctx, `UPDATE burden_proofs SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 WHERE id = $4`,
		p.RevokedAt, p.RevokedBy, p.RevokeReason, p.ID)
	if err != nil {
		return errs.Internal("burden.Store.revokeProof: update burden_proofs", err)
	}
	return nil
}

func (st *Store) insertSealUse(ctx context.Context, u *BurdenSealUse) error {
	err := st.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO burden_seal_uses (community_code, item_id, item_name, what, for_whom, approved_by,
		used_on, logged_by, logged_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		u.CommunityCode, u.ItemID, u.ItemName, u.What, u.ForWhom, u.ApprovedBy, u.UsedOn, u.LoggedBy, u.LoggedAt).Scan(&u.ID)
	if err != nil {
		return errs.Internal("burden.Store.insertSealUse: insert burden_seal_uses", err)
	}
	return nil
}

func (st *Store) sealUses(ctx context.Context, lo, hi string, p, perPage int) ([]BurdenSealUse, bool, error) {
	q, args := page(`SELECT u.id, u.community_code, COALESCE(d.name, ''), u.item_id, u.item_name, u.what, u.for_whom, u.approved_by, u.used_on,
		u.logged_by, u.logged_at FROM burden_seal_uses u LEFT JOIN divisions d ON d.code = u.community_code
		WHERE u.community_code BETWEEN $1 AND $2 ORDER BY u.used_on DESC, u.id DESC`, []any{lo, hi}, p, perPage)
	rows, err := st.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("burden.Store.sealUses: select burden_seal_uses", err)
	}
	out, more, err := db.Page(rows, perPage, func(sc scanner) (*BurdenSealUse, error) {
		var u BurdenSealUse
		if err := sc.Scan(&u.ID, &u.CommunityCode, &u.CommunityName, &u.ItemID, &u.ItemName, &u.What, &u.ForWhom, &u.ApprovedBy, &u.UsedOn,
			&u.LoggedBy, &u.LoggedAt); err != nil {
			return nil, err
		}
		u.LoggedAt = u.LoggedAt.UTC()
		return &u, nil
	})
	if err != nil {
		return nil, false, errs.Internal("burden.Store.sealUses: scan", err)
	}
	return out, more, nil
}
