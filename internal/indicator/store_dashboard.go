package indicator

import (
	"context"

	"shequ/internal/division"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// children lists the children of a division in code order, without the
// counts that division.Store.Children adds (the dashboard needs none).
// The caller has checked the parent is inside its area.
func (s *Service) children(ctx context.Context, code string) ([]division.Division, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name, level, kind, COALESCE(parent_code, '') FROM divisions
		WHERE parent_code = $1 ORDER BY code LIMIT 5000`, code)
	if err != nil {
		return nil, errs.Internal("indicator.Service.children: select divisions", err)
	}
	defer rows.Close()
	var out []division.Division
	for rows.Next() {
		var d division.Division
		if err := rows.Scan(&d.Code, &d.Name, &d.Level, &d.Kind, &d.ParentCode); err != nil {
			return nil, errs.Internal("indicator.Service.children: select divisions", err)
		}
		d.LevelName = division.LevelNames[d.Level]
		out = append(out, d)
	}
	return out, rows.Err()
}

// names reads the names of codes and their parents, in the order given.
func (s *Service) names(ctx context.Context, codes []string) ([]Uncovered, error) {
	out := []Uncovered{}
	if len(codes) == 0 {
		return out, nil
	}
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT d.code, d.name, d.kind, COALESCE(d.parent_code, ''), COALESCE(p.name, '')
		FROM divisions d LEFT JOIN divisions p ON p.code = d.parent_code WHERE d.code IN (`+db.Placeholders(len(codes), 1)+`)`, args...)
	if err != nil {
		return nil, errs.Internal("indicator.Service.names: select divisions", err)
	}
	defer rows.Close()
	byCode := map[string]Uncovered{}
	for rows.Next() {
		var u Uncovered
		if err := rows.Scan(&u.Code, &u.Name, &u.Kind, &u.ParentCode, &u.ParentName); err != nil {
			return nil, errs.Internal("indicator.Service.names: select divisions", err)
		}
		byCode[u.Code] = u
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("indicator.Service.names: select divisions", err)
	}
	for _, c := range codes {
		if u, ok := byCode[c]; ok {
			out = append(out, u)
		}
	}
	return out, nil
}
