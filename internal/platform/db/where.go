package db

import (
	"strconv"
	"strings"
)

// Where gathers a list query's conditions and their arguments, numbering
// the placeholders ($1, $2, …) in the order the arguments are added.
type Where struct {
	Args  []any
	conds []string
}

// Within starts the conditions with col between lo and hi: a list is
// always inside the caller's area (auth.Scope's range).
func Within(col, lo, hi string) *Where {
	return &Where{Args: []any{lo, hi}, conds: []string{col + " BETWEEN $1 AND $2"}}
}

// Arg adds v to the arguments and returns its placeholder.
func (w *Where) Arg(v any) string {
	w.Args = append(w.Args, v)
	return "$" + strconv.Itoa(len(w.Args))
}

// Add adds conditions, built with the placeholders Arg returned.
func (w *Where) Add(conds ...string) { w.conds = append(w.conds, conds...) }

// Between adds col between lo and hi (a division's range).
func (w *Where) Between(col, lo, hi string) {
	w.Add(col + " BETWEEN " + w.Arg(lo) + " AND " + w.Arg(hi))
}

// SQL is " WHERE " and the conditions joined by AND.
func (w *Where) SQL() string { return " WHERE " + strings.Join(w.conds, " AND ") }
