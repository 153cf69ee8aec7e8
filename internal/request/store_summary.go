package request

import (
	"context"
	"database/sql"
	"sort"
	"time"

	"shequ/internal/platform/errs"
)

// The 三率 summary (table request_stats): per month of arrival in China,
// community and unit (the first receiving unit, else the holder, 0 before
// dispatch), the counts that change only when a request does. Create and
// every action update it in their own transaction, from what the request
// contributed before and after, so the figures are exact at every commit
// and a city's month is a few thousand summary rows instead of every
// request. What changes with the clock alone (a deadline passing unanswered)
// is counted live from the requests not yet resolved (request/stats).

// statVec is a request's contribution, in the table's column order.
type statVec [8]int64

const statCols = `total, responded, responded_on_time, resolved, resolved_on_time, valid_callbacks, satisfied, basically`

type statKey struct {
	month, division string
	unit            int64
}

// statState is what the summary needs of a request.
type statState struct {
	createdAt     time.Time
	division      string
	unit, first   sql.NullInt64
	excluded      bool
	respondedAt   sql.NullTime
	resolvedAt    sql.NullTime
	responseDue   time.Time
	resolutionDue time.Time
	satisfaction  string
}

// contribution is the summary row a request counts in and what it adds;
// ok is false for an excluded request, which counts nowhere.
func (s statState) contribution() (statKey, statVec, bool) {
	if s.excluded {
		return statKey{}, statVec{}, false
	}
	k := statKey{month: s.createdAt.In(china).Format("2006-01"), division: s.division}
	switch {
	case s.first.Valid:
		k.unit = s.first.Int64
	case s.unit.Valid:
		k.unit = s.unit.Int64
	}
	v := statVec{0: 1}
	if s.respondedAt.Valid {
		v[1] = 1
		if !s.respondedAt.Time.After(s.responseDue) {
			v[2] = 1
		}
	}
	if s.resolvedAt.Valid {
		v[3] = 1
		if !s.resolvedAt.Time.After(s.resolutionDue) {
			v[4] = 1
		}
	}
	if s.satisfaction != "" {
		v[5] = 1
		switch s.satisfaction {
		case Satisfied:
			v[6] = 1
		case BasicallySatisfied:
			v[7] = 1
		}
	}
	return k, v, true
}

const statStateCols = `created_at, division_code, unit_id, first_unit_id, excluded, responded_at, resolved_at, response_due, resolution_due, satisfaction`

func scanStatState(sc interface{ Scan(...any) error }, st *statState) error {
	return sc.Scan(&st.createdAt, &st.division, &st.unit, &st.first, &st.excluded, &st.respondedAt, &st.resolvedAt,
		&st.responseDue, &st.resolutionDue, &st.satisfaction)
}

// statStateOf reads a request's state in the current transaction.
func (s *Store) statStateOf(ctx context.Context, id int64) (statState, error) {
	var st statState
	err := scanStatState(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+statStateCols+` FROM requests WHERE id = $1`, id), &st)
	if err != nil {
		return st, errs.Internal("request.Store.statStateOf: select", err)
	}
	return st, nil
}

// restat moves a request's contribution from before to after.
func (s *Store) restat(ctx context.Context, before, after statState) error {
	bk, bv, bok := before.contribution()
	ak, av, aok := after.contribution()
	if bok && aok && bk == ak {
		var d statVec
		for i := range d {
			d[i] = av[i] - bv[i]
		}
		return s.addStats(ctx, map[statKey]statVec{ak: d})
	}
	m := map[statKey]statVec{}
	if bok {
		for i := range bv {
			bv[i] = -bv[i]
		}
		m[bk] = bv
	}
	if aok {
		m[ak] = av
	}
	return s.addStats(ctx, m)
}

// addStats adds to summary rows, in key order (two transactions moving
// counts between the same rows on PostgreSQL then lock them in one order).
func (s *Store) addStats(ctx context.Context, m map[statKey]statVec) error {
	keys := make([]statKey, 0, len(m))
	for k, v := range m {
		if v != (statVec{}) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.month != b.month {
			return a.month < b.month
		}
		if a.division != b.division {
			return a.division < b.division
		}
		return a.unit < b.unit
	})
	for _, k := range keys {
		v := m[k]
		if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_stats (month, division_code, unit_id, `+statCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (month, division_code, unit_id) DO UPDATE SET total = request_stats.total + excluded.total,
				responded = request_stats.responded + excluded.responded,
				responded_on_time = request_stats.responded_on_time + excluded.responded_on_time,
				resolved = request_stats.resolved + excluded.resolved,
				resolved_on_time = request_stats.resolved_on_time + excluded.resolved_on_time,
				valid_callbacks = request_stats.valid_callbacks + excluded.valid_callbacks,
				satisfied = request_stats.satisfied + excluded.satisfied,
				basically = request_stats.basically + excluded.basically`,
			k.month, k.division, k.unit, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]); err != nil {
			return errs.Internal("request.Store.addStats: insert request_stats", err)
		}
	}
	return nil
}

// RebuildSummary recomputes the summary from the requests, in ctx's
// transaction (stats.Service.RebuildSummary opens one): after a bulk load
// that bypassed the service, or to check it (the tests compare the two).
func (s *Store) RebuildSummary(ctx context.Context) error {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+statStateCols+` FROM requests`)
	if err != nil {
		return errs.Internal("request.Store.RebuildSummary: select requests", err)
	}
	m := map[statKey]statVec{}
	for rows.Next() {
		var x statState
		if err := scanStatState(rows, &x); err != nil {
			rows.Close()
			return errs.Internal("request.Store.RebuildSummary: scan requests", err)
		}
		if k, v, ok := x.contribution(); ok {
			t := m[k]
			for i := range t {
				t[i] += v[i]
			}
			m[k] = t
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Internal("request.Store.RebuildSummary: read requests", err)
	}
	if _, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM request_stats`); err != nil {
		return errs.Internal("request.Store.RebuildSummary: delete request_stats", err)
	}
	return s.addStats(ctx, m)
}
