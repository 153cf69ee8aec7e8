package mediation

import (
	"context"

	"shequ/internal/division"
	"shequ/internal/platform/errs"
)

// figureQueries count, per prefix of the community code (its first $1
// digits), the rows under the range $2..$3; $4 is today.
var figureQueries = []struct {
	name string
	sql  string
}{
	{"cases", `SELECT substr(community_code, 1, $1), count(*) FROM mediation_cases WHERE community_code BETWEEN $2 AND $3 GROUP BY 1`},
	{"agreements", `SELECT substr(community_code, 1, $1), count(*) FROM mediation_cases
		WHERE community_code BETWEEN $2 AND $3 AND agreement_signed_on <> '' GROUP BY 1`},
	{"kept", `SELECT substr(community_code, 1, $1), count(*) FROM mediation_cases
		WHERE community_code BETWEEN $2 AND $3 AND callback_kept = 'yes' GROUP BY 1`},
	{"advised", `SELECT substr(community_code, 1, $1), count(DISTINCT community_code) FROM legal_advisers
		WHERE community_code BETWEEN $2 AND $3 AND term_from <= $4 AND term_to >= $4 GROUP BY 1`},
	{"literates", `SELECT substr(community_code, 1, $1), count(*) FROM legal_literates WHERE community_code BETWEEN $2 AND $3 GROUP BY 1`},
}

// children lists the divisions directly under code (code and name).
func (s *Store) children(ctx context.Context, code string) ([][2]string, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name FROM divisions WHERE parent_code = $1 ORDER BY code`, code)
	if err != nil {
		return nil, errs.Internal("mediation.Store.children: select", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, errs.Internal("mediation.Store.children: scan", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// figures counts the figures of code (the caller has checked it is in its
// area) as a whole and for each division directly under it.
func (s *Store) figures(ctx context.Context, code, name, today string) (*MediationFigures, []MediationFigures, error) {
	level := division.Code(code).Level()
	lo, hi := division.Code(code).Range()
	total := &MediationFigures{Code: code, Name: name, DrillDown: level < division.Community}
	kids, err := s.children(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	rows := make([]MediationFigures, len(kids))
	at := map[string]*MediationFigures{}
	n := len(division.Code(code).Prefix())
	if level < division.Community {
		n = division.PrefixLen[level+1]
	}
	for i, k := range kids {
		rows[i] = MediationFigures{Code: k[0], Name: k[1], DrillDown: level+1 < division.Community}
		at[division.Code(k[0]).Prefix()] = &rows[i]
	}
	for _, q := range figureQueries {
		args := []any{n, lo, hi}
		if q.name == "advised" {
			args = append(args, today)
		}
		res, err := s.DB.Q(ctx).QueryContext(ctx, q.sql, args...)
		if err != nil {
			return nil, nil, errs.Internal("mediation.Store.figures: "+q.name, err)
		}
		for res.Next() {
			var prefix string
			var v int64
			if err := res.Scan(&prefix, &v); err != nil {
				res.Close()
				return nil, nil, errs.Internal("mediation.Store.figures: scan "+q.name, err)
			}
			for _, f := range []*MediationFigures{total, at[prefix]} {
				if f == nil {
					continue
				}
				switch q.name {
				case "cases":
					f.Cases += v
				case "agreements":
					f.Agreements += v
				case "kept":
					f.AgreementsKept += v
				case "advised":
					f.CommunitiesAdvised += v
				case "literates":
					f.LegalLiterates += v
				}
			}
		}
		res.Close()
		if err := res.Err(); err != nil {
			return nil, nil, errs.Internal("mediation.Store.figures: "+q.name, err)
		}
	}
	return total, rows, nil
}
