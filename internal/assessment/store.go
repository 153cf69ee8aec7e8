package assessment

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the assessment slice. Schemes are read by staff
// inside or under the scheme's division; assessments by staff whose area
// holds the community.
type Store struct{ DB *db.DB }

type scanner = interface{ Scan(...any) error }

const schemeCols = `s.id, s.division_code, COALESCE(d.name, ''), s.year, s.name, s.state, s.created_by, s.created_at, s.opened_at, s.published_at`

func scanScheme(r scanner) (*AssessmentScheme, error) {
	var s AssessmentScheme
	err := r.Scan(&s.ID, &s.DivisionCode, &s.DivisionName, &s.Year, &s.Name, &s.State, &s.CreatedBy, &s.CreatedAt, &s.OpenedAt, &s.PublishedAt)
	s.CreatedAt = s.CreatedAt.UTC()
	s.Items = []AssessmentItem{}
	return &s, err
}

// schemeScope is the condition that a scheme is visible in the caller's
// area: its division holds the area, or lies inside it.
func schemeScope(ctx context.Context, first int) (string, []any, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return "", nil, err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", nil, err
	}
	ups := above(p.Area.Code)
	args := []any{lo, hi}
	ph := make([]string, len(ups))
	for i, c := range ups {
		args = append(args, c)
		ph[i] = fmt.Sprintf("$%d", first+2+i)
	}
	cond := fmt.Sprintf("(s.division_code BETWEEN $%d AND $%d", first, first+1)
	if len(ph) > 0 {
		cond += " OR s.division_code IN (" + strings.Join(ph, ", ") + ")"
	}
	return cond + ")", args, nil
}

func (s *Store) insertScheme(ctx context.Context, code string, year int, name, by string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO assessment_schemes (division_code, year, name, state, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (division_code, year) DO NOTHING RETURNING id`, code, year, name, Draft, by, now).Scan(&id)
	if db.IsNoRows(err) {
		return 0, errs.Conflict("assessment.scheme_exists", year)
	}
	if err != nil {
		return 0, errs.Internal("assessment.Store.insertScheme: insert", err)
	}
	return id, nil
}

// scheme reads a scheme visible to the caller, with its items.
func (s *Store) scheme(ctx context.Context, id int64) (*AssessmentScheme, error) {
	cond, args, err := schemeScope(ctx, 2)
	if err != nil {
		return nil, err
	}
	sc, err := scanScheme(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+schemeCols+` FROM assessment_schemes s
		JOIN divisions d ON d.code = s.division_code WHERE s.id = $1 AND `+cond, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.RowErr(err, "assessment.Store.scheme: select", "assessment.scheme_not_found", id)
	}
	if sc.Items, err = s.items(ctx, id); err != nil {
		return nil, err
	}
	return sc, nil
}

func (s *Store) schemeExists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "assessment_schemes", id)
}

// schemes lists the schemes visible to the caller, newest year first.
func (s *Store) schemes(ctx context.Context, year int) ([]AssessmentScheme, error) {
	cond, args, err := schemeScope(ctx, 1)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + schemeCols + ` FROM assessment_schemes s JOIN divisions d ON d.code = s.division_code WHERE ` + cond
	if year != 0 {
		args = append(args, year)
		q += fmt.Sprintf(" AND s.year = $%d", len(args))
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q+` ORDER BY s.year DESC, s.division_code LIMIT 200`, args...)
	if err != nil {
		return nil, errs.Internal("assessment.Store.schemes: select", err)
	}
	out, _, err := db.Page(rows, 200, scanScheme)
	if err != nil {
		return nil, errs.Internal("assessment.Store.schemes: scan", err)
	}
	return out, nil
}

// schemeFor finds the open or published scheme of a year that covers a
// community: its county's, else the city's.
func (s *Store) schemeFor(ctx context.Context, county, city string, year int) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM assessment_schemes WHERE year = $1 AND division_code IN ($2, $3) AND state <> $4
		ORDER BY length(rtrim(division_code, '0')) DESC LIMIT 1`, year, county, city, Draft).Scan(&id)
	if err != nil {
		return 0, db.RowErr(err, "assessment.Store.schemeFor: select", "assessment.no_scheme", year)
	}
	return id, nil
}

func (s *Store) setSchemeState(ctx context.Context, id int64, from, to, column string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE assessment_schemes SET state = $1, `+column+` = $2 WHERE id = $3 AND state = $4`, to, now, id, from)
	if err != nil {
		return errs.Internal("assessment.Store.setSchemeState: update", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("assessment.scheme_state", from)
	}
	return nil
}

const itemCols = `id, position, name, weight, method, metric, rule, floor_value, target_value, steps, guidance`

func scanItem(r scanner) (*AssessmentItem, error) {
	var it AssessmentItem
	err := r.Scan(&it.ID, &it.Position, &it.Name, &it.Weight, &it.Method, &it.Metric, &it.Rule, &it.Floor, &it.Target, &it.Steps, &it.Guidance)
	return &it, err
}

func (s *Store) items(ctx context.Context, scheme int64) ([]AssessmentItem, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+itemCols+` FROM assessment_items WHERE scheme_id = $1 ORDER BY position, id`, scheme)
	if err != nil {
		return nil, errs.Internal("assessment.Store.items: select", err)
	}
	out, _, err := db.Page(rows, 1000, scanItem)
	if err != nil {
		return nil, errs.Internal("assessment.Store.items: scan", err)
	}
	if out == nil {
		out = []AssessmentItem{}
	}
	return out, nil
}

func (s *Store) insertItem(ctx context.Context, scheme int64, pos int, in AssessmentItemInput) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO assessment_items (scheme_id, position, name, weight, method, metric, rule, floor_value, target_value, steps, guidance)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		scheme, pos, in.Name, in.Weight, in.Method, in.Metric, in.Rule, in.Floor, in.Target, in.Steps, in.Guidance).Scan(&id)
	if err != nil {
		return 0, errs.Internal("assessment.Store.insertItem: insert", err)
	}
	return id, nil
}

func (s *Store) deleteItem(ctx context.Context, scheme, item int64) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `DELETE FROM assessment_items WHERE id = $1 AND scheme_id = $2`, item, scheme)
	if err != nil {
		return errs.Internal("assessment.Store.deleteItem: delete", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.NotFound("assessment.item_not_found", item)
	}
	return nil
}

const assessmentCols = `a.id, a.scheme_id, s.name, a.year, a.community_code, COALESCE(d.name, ''), a.state, a.total,
	a.submitter, a.submitted_at, a.reviewer, a.reviewed_at, a.approver, a.approved_at, a.return_reason, a.created_at,
	COALESCE(a.submitted_by, 0), COALESCE(a.reviewed_by, 0)`

const assessmentFrom = ` FROM assessments a JOIN assessment_schemes s ON s.id = a.scheme_id JOIN divisions d ON d.code = a.community_code`

func scanAssessment(r scanner) (*Assessment, error) {
	var a Assessment
	err := r.Scan(&a.ID, &a.SchemeID, &a.SchemeName, &a.Year, &a.CommunityCode, &a.CommunityName, &a.State, &a.Total,
		&a.Submitter, &a.SubmittedAt, &a.Reviewer, &a.ReviewedAt, &a.Approver, &a.ApprovedAt, &a.ReturnReason, &a.CreatedAt,
		&a.submittedBy, &a.reviewedBy)
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, err
}

func (s *Store) insertAssessment(ctx context.Context, scheme int64, year int, community string, items []AssessmentItem, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO assessments (scheme_id, year, community_code, state, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_code, year) DO NOTHING RETURNING id`, scheme, year, community, SelfAssessing, now).Scan(&id)
	if db.IsNoRows(err) {
		return 0, errs.Conflict("assessment.started_already", year)
	}
	if err != nil {
		return 0, errs.Internal("assessment.Store.insertAssessment: insert", err)
	}
	for _, it := range items {
		if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO assessment_scores (assessment_id, item_id) VALUES ($1, $2)`, id, it.ID); err != nil {
			return 0, errs.Internal("assessment.Store.insertAssessment: insert scores", err)
		}
	}
	return id, nil
}

// assessment reads an assessment of a community inside the caller's area.
func (s *Store) assessment(ctx context.Context, id int64) (*Assessment, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	a, err := scanAssessment(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+assessmentCols+assessmentFrom+
		` WHERE a.id = $1 AND a.community_code BETWEEN $2 AND $3`, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "assessment.Store.assessment: select", "assessment.not_found", id)
	}
	return a, nil
}

func (s *Store) assessmentExists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "assessments", id)
}

func (s *Store) where(ctx context.Context, f Filter) (string, []any, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", nil, err
	}
	args := []any{lo, hi}
	conds := []string{"a.community_code BETWEEN $1 AND $2"}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Year != 0 {
		conds = append(conds, "a.year = "+arg(f.Year))
	}
	if f.SchemeID != 0 {
		conds = append(conds, "a.scheme_id = "+arg(f.SchemeID))
	}
	if f.State != "" {
		conds = append(conds, "a.state = "+arg(f.State))
	}
	if f.Q != "" {
		conds = append(conds, "d.name "+s.DB.ILike()+" "+arg(db.Contains(f.Q))+` ESCAPE '\'`)
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func (s *Store) list(ctx context.Context, f Filter) ([]Assessment, bool, error) {
	w, args, err := s.where(ctx, f)
	if err != nil {
		return nil, false, err
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+assessmentCols+assessmentFrom+w+
		fmt.Sprintf(` ORDER BY a.year DESC, a.community_code LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("assessment.Store.list: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanAssessment)
	if err != nil {
		return nil, false, errs.Internal("assessment.Store.list: scan", err)
	}
	return out, more, nil
}

// scores reads an assessment's scores in the items' order, with their
// evidence.
func (s *Store) scores(ctx context.Context, aid int64) ([]AssessmentScore, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT i.id, i.position, i.name, i.weight, i.method, i.metric, i.rule, i.floor_value, i.target_value,
		i.steps, i.guidance, c.value, c.self_points, c.points, c.note, c.reason, c.scored_by
		FROM assessment_scores c JOIN assessment_items i ON i.id = c.item_id WHERE c.assessment_id = $1 ORDER BY i.position, i.id`, aid)
	if err != nil {
		return nil, errs.Internal("assessment.Store.scores: select", err)
	}
	defer rows.Close()
	var out []AssessmentScore
	for rows.Next() {
		var c AssessmentScore
		it := &c.Item
		if err := rows.Scan(&it.ID, &it.Position, &it.Name, &it.Weight, &it.Method, &it.Metric, &it.Rule, &it.Floor, &it.Target,
			&it.Steps, &it.Guidance, &c.Value, &c.SelfPoints, &c.Points, &c.Note, &c.Reason, &c.ScoredBy); err != nil {
			return nil, errs.Internal("assessment.Store.scores: scan", err)
		}
		c.Evidence = []int64{}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("assessment.Store.scores: rows", err)
	}
	ev, err := s.evidence(ctx, aid)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if e := ev[out[i].Item.ID]; e != nil {
			out[i].Evidence = e
		}
	}
	return out, nil
}

func (s *Store) evidence(ctx context.Context, aid int64) (map[int64][]int64, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT item_id, blob_id FROM assessment_evidence WHERE assessment_id = $1 ORDER BY blob_id`, aid)
	if err != nil {
		return nil, errs.Internal("assessment.Store.evidence: select", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var item, blob int64
		if err := rows.Scan(&item, &blob); err != nil {
			return nil, errs.Internal("assessment.Store.evidence: scan", err)
		}
		out[item] = append(out[item], blob)
	}
	return out, rows.Err()
}

func (s *Store) addEvidence(ctx context.Context, aid, item, blob int64) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO assessment_evidence (assessment_id, item_id, blob_id) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, aid, item, blob)
	if err != nil {
		return errs.Internal("assessment.Store.addEvidence: insert", err)
	}
	return nil
}

// scoreHand writes a hand item's points; self also sets the community's
// own score.
func (s *Store) scoreHand(ctx context.Context, aid, item int64, points float64, self bool, note, reason, by string, now time.Time) error {
	q := `UPDATE assessment_scores SET points = $1, note = $2, reason = $3, scored_by = $4, scored_at = $5`
	if self {
		q += `, self_points = $1`
	}
	_, err := s.DB.Q(ctx).ExecContext(ctx, q+` WHERE assessment_id = $6 AND item_id = $7`, points, note, reason, by, now, aid, item)
	if err != nil {
		return errs.Internal("assessment.Store.scoreHand: update", err)
	}
	return nil
}

// freeze writes a computed item's value and points at review.
func (s *Store) freeze(ctx context.Context, aid, item int64, value *float64, points float64, by string, now time.Time) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE assessment_scores SET value = $1, points = $2, scored_by = $3, scored_at = $4
		WHERE assessment_id = $5 AND item_id = $6`, value, points, by, now, aid, item)
	if err != nil {
		return errs.Internal("assessment.Store.freeze: update", err)
	}
	return nil
}

// step moves an assessment from one of the states from to to, setting the
// columns given (name = value); ECONFLICT when it is in another state.
func (s *Store) step(ctx context.Context, aid int64, from []string, to string, set map[string]any) error {
	args := []any{to, aid}
	q := `UPDATE assessments SET state = $1`
	for _, col := range []string{"total", "submitted_by", "submitter", "submitted_at", "reviewed_by", "reviewer", "reviewed_at",
		"approved_by", "approver", "approved_at", "return_reason"} {
		if v, ok := set[col]; ok {
			args = append(args, v)
			q += fmt.Sprintf(", %s = $%d", col, len(args))
		}
	}
	ph := make([]string, len(from))
	for i, f := range from {
		args = append(args, f)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	res, err := s.DB.Q(ctx).ExecContext(ctx, q+` WHERE id = $2 AND state IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return errs.Internal("assessment.Store.step: update", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("assessment.wrong_state")
	}
	return nil
}

// ranking reads the approved assessments of a scheme under [lo, hi].
func (s *Store) ranking(ctx context.Context, scheme int64, lo, hi string) ([]AssessmentRankRow, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT a.id, a.community_code, COALESCE(d.name, ''), COALESCE(a.total, 0)
		FROM assessments a JOIN divisions d ON d.code = a.community_code
		WHERE a.scheme_id = $1 AND a.state = $2 AND a.community_code BETWEEN $3 AND $4 ORDER BY a.community_code LIMIT 10000`, scheme, Approved, lo, hi)
	if err != nil {
		return nil, errs.Internal("assessment.Store.ranking: select", err)
	}
	defer rows.Close()
	out := []AssessmentRankRow{}
	for rows.Next() {
		var r AssessmentRankRow
		if err := rows.Scan(&r.AssessmentID, &r.CommunityCode, &r.CommunityName, &r.Total); err != nil {
			return nil, errs.Internal("assessment.Store.ranking: scan", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// divisionName reads a division's name ("" when there is none).
func (s *Store) divisionName(ctx context.Context, code string) string {
	var n sql.NullString
	_ = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1`, code).Scan(&n)
	return n.String
}
