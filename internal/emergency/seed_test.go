package emergency_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

func as(role auth.Role, area string, level int) context.Context {
	return auth.With(context.Background(), &auth.Principal{UserID: 1, Name: string(role) + "-" + area, Role: role, Area: auth.AreaOf(area, level)})
}

// residents stores n resident accounts in each community (no password:
// they only read their inbox here), named prefix-community-i.
func residents(t testing.TB, e *apptest.Env, prefix string, n int, communities ...string) {
	t.Helper()
	now := time.Now().UTC()
	err := e.App.DB.WithTx(e.Ctx, func(ctx context.Context) error {
		var rows [][]any
		for _, c := range communities {
			for i := 0; i < n; i++ {
				rows = append(rows, []any{fmt.Sprintf("%s-%s-%d", prefix, c, i), string(auth.Resident), c, "!", false, now, now})
			}
		}
		_, err := e.App.DB.InsertRows(ctx, `INSERT INTO users (name, role, area_code, password_hash, must_change_password, created_at, updated_at) VALUES `,
			7, "", rows)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// person is a registry member to seed: group and kinds of its membership,
// end date ("" while open).
type person struct {
	community, name, group, kinds, end string
}

// people stores persons with one membership each and returns their ids.
func people(t testing.TB, e *apptest.Env, ps []person) []int64 {
	t.Helper()
	now := time.Now().UTC()
	ids := make([]int64, len(ps))
	err := e.App.DB.WithTx(e.Ctx, func(ctx context.Context) error {
		w := e.App.DB.W(ctx)
		for i, p := range ps {
			idx := fmt.Sprintf("seed-%d-%d", now.UnixNano(), i)
			if err := w.QueryRowContext(ctx, `INSERT INTO persons (community_code, name, id_number_sealed, id_number_index, birth_date, birth_year, sex,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
				p.community, p.name, "sealed", idx, "1940-01-01", 1940, "F", now).Scan(&ids[i]); err != nil {
				return err
			}
			var end any
			if p.end != "" {
				end = p.end
			}
			if _, err := w.ExecContext(ctx, `INSERT INTO person_groups (person_id, community_code, grp, kinds, start_date, end_date, basis)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, ids[i], p.community, p.group, p.kinds, "2020-01-01", end, "民政台账"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func count(t testing.TB, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
