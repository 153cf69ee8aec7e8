package care_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/care"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
)

// Benchmarks at city scale (衡水: 5,118 communities, about 100,000 elderly
// people with special difficulties, a grid worker in each community):
//
//	go test -run '^$' -bench . -benchtime 3x ./internal/care/
//	SHEQU_TEST_POSTGRES=postgres://… go test -run '^$' -bench . -benchtime 3x ./internal/care/
//
// BenchmarkGenerateMonth makes one month's tasks per iteration (a new
// month each time), through the people registry's Members query;
// BenchmarkRateCityByCounty reads the city's visit rate and its counties'.

const benchPeople = 100_000

type benchCity struct {
	App   *app.App
	Care  *care.Service
	Sys   context.Context
	City  context.Context
	Comms []string
}

func loadCity(b *testing.B) *benchCity {
	b.Helper()
	a, sys, comms := apptest.Hengshui(b)
	var codes []string
	for _, c := range comms {
		codes = append(codes, c.Code)
	}
	// People, their memberships and one grid worker per community, written
	// directly: this is the registry's state, not what is measured.
	now := time.Now().UTC()
	err := a.DB.WithTx(sys, func(ctx context.Context) error {
		q := a.DB.Q(ctx)
		insert := func(head string, cols int, rows [][]any) error {
			for i := 0; i < len(rows); i += 500 {
				part := rows[i:min(i+500, len(rows))]
				var sb strings.Builder
				sb.WriteString(head)
				args := make([]any, 0, len(part)*cols)
				for j, r := range part {
					if j > 0 {
						sb.WriteByte(',')
					}
					sb.WriteByte('(')
					for k := range r {
						if k > 0 {
							sb.WriteByte(',')
						}
						fmt.Fprintf(&sb, "$%d", len(args)+k+1)
					}
					sb.WriteByte(')')
					args = append(args, r...)
				}
				if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
					return err
				}
			}
			return nil
		}
		var people, groups, users [][]any
		for i := 0; i < benchPeople; i++ {
			c := codes[i%len(codes)]
			id := int64(i + 1)
			people = append(people, []any{id, c, fmt.Sprintf("老人%d", i), "sealed", fmt.Sprintf("bench-%d", i), "1940-01-01", 1940, "female", now, now})
			groups = append(groups, []any{id, c, "elderly_special", "living_alone", "2020-01-01", "bench"})
		}
		for i, c := range codes {
			users = append(users, []any{int64(1_000_000 + i), "grid-" + c, "grid_worker", c, "x", now, now})
		}
		if err := insert(`INSERT INTO persons (id, community_code, name, id_number_sealed, id_number_index, birth_date, birth_year, sex, created_at, updated_at) VALUES `, 10, people); err != nil {
			return err
		}
		if err := insert(`INSERT INTO person_groups (person_id, community_code, grp, kinds, start_date, basis) VALUES `, 6, groups); err != nil {
			return err
		}
		return insert(`INSERT INTO users (id, name, role, area_code, password_hash, created_at, updated_at) VALUES `, 7, users)
	})
	if err != nil {
		b.Fatal(err)
	}
	s := a.Care
	later := time.Date(2030, 1, 15, 0, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return later }
	city := auth.With(context.Background(), &auth.Principal{UserID: 1, Name: "city", Role: auth.CityStaff, Area: auth.AreaOf("131100000000", 2)})
	return &benchCity{App: a, Care: s, Sys: sys, City: city, Comms: codes}
}

func BenchmarkGenerateMonth(b *testing.B) {
	w := loadCity(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		month := time.Date(2027, time.Month(1+i%12), 1, 0, 0, 0, 0, calendar.China).AddDate(i/12, 0, 0).Format("2006-01")
		n, err := w.Care.Generate(w.Sys, month)
		if err != nil {
			b.Fatal(err)
		}
		if n != benchPeople {
			b.Fatalf("%s: %d tasks, want %d", month, n, benchPeople)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/month")
}

func BenchmarkRateCityByCounty(b *testing.B) {
	w := loadCity(b)
	if _, err := w.Care.Generate(w.Sys, "2027-01"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := w.Care.Rate(w.City, "131100000000", "2027-01")
		if err != nil {
			b.Fatal(err)
		}
		if r.Division.Due != benchPeople || len(r.Children) < 10 {
			b.Fatalf("rate: %+v", r.Division)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/read")
}
