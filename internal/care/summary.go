package care

import (
	"context"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
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
	var mine *int64
	if p.Role == auth.GridWorker {
		mine = &p.UserID
	}
	if division.LevelFromCode(code) == division.Community {
		out.By = "assignee"
		rows, err := s.Store.summaryByAssignee(ctx, month, lo, hi, mine)
		if err != nil {
			return nil, err
		}
		out.Rows = append(out.Rows, rows...)
		return out, nil
	}
	// Children's codes share the prefix of the next level.
	n := auth.LevelPrefixLen[division.LevelFromCode(code)+1]
	kids, err := s.Store.children(ctx, code)
	if err != nil {
		return nil, err
	}
	by, err := s.Store.summaryByPrefix(ctx, month, lo, hi, mine, n)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		r := by[k.Code[:n]]
		r.Code, r.Name = k.Code, k.Name
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}
