package division

import (
	"context"
	"fmt"
	"strings"

	"shequ/internal/platform/auth"
)

// Where builds the WHERE clause of a list query kept to the caller's area:
// the area's range on a division-code column first, then the conditions a
// filter adds, each with its numbered parameters.
type Where struct {
	conds []string
	Args  []any
}

// Scoped starts a clause with col inside the caller's area.
func Scoped(ctx context.Context, col string) (*Where, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	w := &Where{}
	w.Add(col + " BETWEEN " + w.Arg(lo) + " AND " + w.Arg(hi))
	return w, nil
}

// Arg adds a parameter and returns its placeholder.
func (w *Where) Arg(v any) string {
	w.Args = append(w.Args, v)
	return fmt.Sprintf("$%d", len(w.Args))
}

// Add adds a condition.
func (w *Where) Add(cond string) { w.conds = append(w.conds, cond) }

// Under keeps col at or under code (nothing when code is "").
func (w *Where) Under(col, code string) {
	if code != "" {
		lo, hi := Code(code).Range()
		w.Add(col + " BETWEEN " + w.Arg(lo) + " AND " + w.Arg(hi))
	}
}

// Equal adds col = v when v is not "".
func (w *Where) Equal(col, v string) {
	if v != "" {
		w.Add(col + " = " + w.Arg(v))
	}
}

// SQL is the clause, " WHERE …".
func (w *Where) SQL() string { return " WHERE " + strings.Join(w.conds, " AND ") }
