package db_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/errs"
)

// Map, Set and Column read rows of one or two columns; no rows is an empty
// map and a nil list; a failing query is an internal error named by where.
func TestMapSetColumn(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	const three = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i, i * 10 FROM n`
	m, err := db.Map[int64, int64](ctx, d.Q(ctx), "test: map", three, 3)
	if err != nil || !reflect.DeepEqual(m, map[int64]int64{1: 10, 2: 20, 3: 30}) {
		t.Errorf("Map: %v %v", m, err)
	}
	s, err := db.Set[int64](ctx, d.Q(ctx), "test: set", `SELECT i FROM (`+three+`) AS t`, 2)
	if err != nil || !reflect.DeepEqual(s, map[int64]bool{1: true, 2: true}) {
		t.Errorf("Set: %v %v", s, err)
	}
	c, err := db.Column[int64](ctx, d.Q(ctx), "test: column", `SELECT i * 10 FROM (`+three+`) AS t ORDER BY i DESC`, 3)
	if err != nil || !reflect.DeepEqual(c, []int64{30, 20, 10}) {
		t.Errorf("Column: %v %v", c, err)
	}
	if m, err := db.Map[string, int64](ctx, d.Q(ctx), "test: none", `SELECT code, level FROM divisions WHERE code = $1`, "x"); err != nil || m == nil || len(m) != 0 {
		t.Errorf("Map of no rows: %#v %v", m, err)
	}
	if c, err := db.Column[string](ctx, d.Q(ctx), "test: none", `SELECT code FROM divisions WHERE code = $1`, "x"); err != nil || c != nil {
		t.Errorf("Column of no rows: %#v %v", c, err)
	}
	_, err = db.Column[string](ctx, d.Q(ctx), "test: bad", `SELECT nothing FROM nowhere`)
	if errs.Code(err) != errs.EINTERNAL || !strings.HasPrefix(errs.As(err).Err.Error(), "test: bad: ") {
		t.Errorf("a failing query: %#v", err)
	}
}
