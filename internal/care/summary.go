package care

import (
	"context"
	"database/sql"
	"strconv"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// SummaryRow counts a month's tasks of one group: a division under the
// one asked about, or (for a community) one assignee.
type SummaryRow struct {
	Code      string `json:"code,omitempty" doc:"the division, when grouped by division"`
	Name      string `json:"name"`
	Assignee  *int64 `json:"assignee_id,omitempty" doc:"the account, when grouped by assignee (null: unassigned)"`
	Tasks     int64  `json:"tasks"`
	Done      int64  `json:"done"`
	Open      int64  `json:"open" doc:"not visited yet: due this month, overdue for a past month"`
	Escalated int64  `json:"escalated"`
}

// VisitSummary is a month's tasks counted by the children of a division,
// or by assignee inside a community.
type VisitSummary struct {
	Month    string       `json:"month"`
	Division string       `json:"division"`
	By       string       `json:"by" enum:"division,assignee"`
	Rows     []SummaryRow `json:"rows"`
}

// Summary counts a month's tasks in a division of the caller's area
// (default its own area) by child division, or by assignee when the
// division is a community. Grid workers get their own tasks only.
//
// Errors: EFORBIDDEN, EINVALID, ENOTFOUND (outside the area).
func (s *Service) Summary(ctx context.Context, code, month string) (*VisitSummary, error) {
	p, err := auth.Require(ctx, ListRoles...)
	if err != nil {
		return nil, err
	}
	if err := s.checkMonth(&month); err != nil {
		return nil, err
	}
	if code == "" {
		code = p.Area.Code
	}
	lo, hi, err := s.scope(ctx, code)
	if err != nil {
		return nil, err
	}
	out := &VisitSummary{Month: month, Division: code, By: "division", Rows: []SummaryRow{}}
	args := []any{month, lo, hi}
	mine := ""
	if p.Role == auth.GridWorker {
		mine = " AND t.assignee_id = $4"
		args = append(args, p.UserID)
	}
	counts := `count(*), SUM(CASE WHEN t.visits > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN t.visits = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.visits = 0 AND t.escalated = ` + s.Store.bool(true) + ` THEN 1 ELSE 0 END)`
	if division.LevelFromCode(code) == division.Community {
		out.By = "assignee"
		rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT t.assignee_id, COALESCE(MAX(CASE WHEN u.display_name = '' THEN u.name ELSE u.display_name END), ''), `+counts+`
			FROM care_tasks t LEFT JOIN users u ON u.id = t.assignee_id
			WHERE t.month = $1 AND t.division_code BETWEEN $2 AND $3`+mine+` GROUP BY t.assignee_id ORDER BY t.assignee_id`, args...)
		if err != nil {
			return nil, errs.Internal("care.Service.Summary: select", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r SummaryRow
			var a sql.NullInt64
			if err := rows.Scan(&a, &r.Name, &r.Tasks, &r.Done, &r.Open, &r.Escalated); err != nil {
				return nil, errs.Internal("care.Service.Summary: Scan", err)
			}
			if a.Valid {
				v := a.Int64
				r.Assignee = &v
			}
			out.Rows = append(out.Rows, r)
		}
		return out, rows.Err()
	}
	// Children's codes share the prefix of the next level.
	n := auth.LevelPrefixLen[division.LevelFromCode(code)+1]
	kids, err := s.Store.children(ctx, code)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT substr(t.division_code, 1, `+strconv.Itoa(n)+`), `+counts+`
		FROM care_tasks t WHERE t.month = $1 AND t.division_code BETWEEN $2 AND $3`+mine+` GROUP BY substr(t.division_code, 1, `+strconv.Itoa(n)+`)`, args...)
	if err != nil {
		return nil, errs.Internal("care.Service.Summary: select", err)
	}
	defer rows.Close()
	by := map[string]SummaryRow{}
	for rows.Next() {
		var prefix string
		var r SummaryRow
		if err := rows.Scan(&prefix, &r.Tasks, &r.Done, &r.Open, &r.Escalated); err != nil {
			return nil, errs.Internal("care.Service.Summary: Scan", err)
		}
		by[prefix] = r
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("care.Service.Summary: Err", err)
	}
	for _, k := range kids {
		r := by[k.Code[:n]]
		r.Code, r.Name = k.Code, k.Name
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}
