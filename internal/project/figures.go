package project

import (
	"context"
	"strconv"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
)

// Figures returns the lists' figures at a division (the caller's area when
// empty; a county, township or community inside it, or the city) and at
// each division directly under it. Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) Figures(ctx context.Context, code string) (*ListFigures, []ListFigures, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, nil, err
	}
	if code == "" {
		code = p.Area.Code
	}
	name, err := s.Store.divisionName(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	level := division.Code(code).Level()
	n := division.PrefixLen[level]
	if level < division.Community {
		n = division.PrefixLen[level+1]
	}
	// One pass: the groups under code (a record at code itself, such
	// as a project of the county, is a group of its own) add up to it.
	by, err := s.Store.figures(ctx, code, n, s.today())
	if err != nil {
		return nil, nil, err
	}
	total := &ListFigures{Money: map[string]int64{}}
	for _, f := range by {
		total.add(f)
	}
	total.DivisionCode, total.DivisionName = code, name
	total.finish()
	var rows []ListFigures
	if level < division.Community {
		kids, err := s.Store.children(ctx, code)
		if err != nil {
			return nil, nil, err
		}
		for _, k := range kids {
			f := by[division.Code(k[0]).Prefix()]
			if f == nil {
				f = &ListFigures{Money: map[string]int64{}}
			}
			f.DivisionCode, f.DivisionName = k[0], k[1]
			f.finish()
			rows = append(rows, *f)
		}
	}
	if rows == nil {
		rows = []ListFigures{}
	}
	return total, rows, nil
}

func strconvFormatPermille(p int64) string {
	return strconv.FormatInt(p/10, 10) + "." + strconv.FormatInt(p%10, 10) + "%"
}

// Yuan writes an amount in fen as yuan with two decimals.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	c := fen % 100
	return sign + strconv.FormatInt(fen/100, 10) + "." + string(rune('0'+c/10)) + string(rune('0'+c%10))
}
