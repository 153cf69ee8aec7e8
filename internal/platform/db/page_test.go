package db_test

import (
	"context"
	"testing"

	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
)

func TestPage(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	scan := func(sc interface{ Scan(...any) error }) (*int, error) {
		var n int
		return &n, sc.Scan(&n)
	}
	for _, c := range []struct {
		limit, perPage, want int
		more                 bool
	}{{4, 3, 3, true}, {3, 3, 3, false}, {0, 3, 0, false}} {
		rows, err := d.Q(ctx).QueryContext(ctx, `SELECT divisions.level FROM divisions LIMIT 0`)
		if c.limit > 0 {
			rows, err = d.Q(ctx).QueryContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i FROM n`, c.limit)
		}
		if err != nil {
			t.Fatal(err)
		}
		got, more, err := db.Page(rows, c.perPage, scan)
		if err != nil || len(got) != c.want || more != c.more || (len(got) > 0 && got[0] != 1) {
			t.Errorf("%d rows, %d a page: %v more=%v %v", c.limit, c.perPage, got, more, err)
		}
	}
}
