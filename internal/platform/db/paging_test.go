package db_test

import (
	"testing"

	"shequ/internal/platform/db"
)

func TestPaging(t *testing.T) {
	for _, c := range []struct{ page, per, wantPage, wantPer, limit, offset int }{
		{0, 0, 1, 50, 51, 0},
		{-3, -1, 1, 50, 51, 0},
		{1, 20, 1, 20, 21, 0},
		{3, 20, 3, 20, 21, 40},
		{2, 500, 2, 200, 201, 200},
		{2, 200, 2, 200, 201, 200},
	} {
		p, n := db.Paging(c.page, c.per)
		l, o := db.LimitOffset(c.page, c.per)
		if p != c.wantPage || n != c.wantPer || l != c.limit || o != c.offset {
			t.Errorf("Paging(%d, %d) = %d, %d; LimitOffset = %d, %d; want %d, %d and %d, %d",
				c.page, c.per, p, n, l, o, c.wantPage, c.wantPer, c.limit, c.offset)
		}
	}
}

func TestPageArgs(t *testing.T) {
	got := db.PageArgs([]any{"lo", "hi"}, 3, 20)
	if len(got) != 4 || got[0] != "lo" || got[2] != 21 || got[3] != 40 {
		t.Errorf("PageArgs: %v", got)
	}
}

func TestMore(t *testing.T) {
	got, more := db.More([]int{1, 2, 3, 4}, 3)
	if len(got) != 3 || !more {
		t.Errorf("4 rows, 3 a page: %v %v", got, more)
	}
	got, more = db.More([]int{1, 2, 3}, 3)
	if len(got) != 3 || more {
		t.Errorf("3 rows, 3 a page: %v %v", got, more)
	}
	got, more = db.More([]int(nil), 3)
	if len(got) != 0 || more {
		t.Errorf("no rows: %v %v", got, more)
	}
}
