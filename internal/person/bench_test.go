package person_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/data"
	"shequ/internal/app/apptest"
	"shequ/internal/demo"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/idcard"
)

// workbook writes n synthetic people across the given communities with
// excelize's StreamWriter, in the template's layout (Chinese headers).
func workbook(tb testing.TB, n int, communities []string) []byte {
	tb.Helper()
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", person.Sheet.SheetZh)
	sw, err := x.NewStreamWriter(person.Sheet.SheetZh)
	if err != nil {
		tb.Fatal(err)
	}
	hs := person.Sheet.Headers("zh-CN")
	header := make([]any, len(hs))
	for i, h := range hs {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		tb.Fatal(err)
	}
	base := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC)
	row := make([]any, len(hs))
	for i := 0; i < n; i++ {
		birth := base.AddDate(0, 0, (i/900)%32000).Format("20060102")
		first17 := "131102" + birth + fmt.Sprintf("%03d", i%900+100)
		id := first17 + string(idcard.CheckChar(first17))
		for j := range row {
			row[j] = ""
		}
		row[0] = communities[i%len(communities)]
		row[1] = "测试人员" + strconv.Itoa(i)
		row[2] = id
		row[3] = fmt.Sprintf("13%09d", i)
		row[4] = "测试路 " + strconv.Itoa(i%500) + " 号"
		row[5] = "配偶 测试"
		switch i % 4 {
		case 0:
			row[8], row[9], row[12], row[14] = "特殊困难老年人", "独居、高龄(80岁以上)", "2024-01-01", "入户核查"
		case 1:
			row[8], row[10], row[11], row[12], row[14] = "残疾人", "肢体残疾", "2", "2023-05-01", "残疾人证"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// hengshui is a test environment with 衡水's divisions, and the codes of
// its communities.
func hengshui(tb testing.TB) (*apptest.Env, []string) {
	tb.Helper()
	e := apptest.New(tb)
	f, err := data.FS.Open("divisions/hengshui.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := e.App.Divisions.ImportCSV(e.Ctx, f, nil); err != nil {
		tb.Fatal(err)
	}
	var communities []string
	rows, err := e.App.DB.Writer().Query(`SELECT code FROM divisions WHERE level = 5 ORDER BY code`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			tb.Fatal(err)
		}
		communities = append(communities, c)
	}
	return e, communities
}

// go test -run '^$' -bench Import1M ./internal/person/ (SHEQU_BENCH_ROWS
// sets another size). The workbook has inline strings, as excelize's
// StreamWriter writes them; SHEQU_BENCH_SST=1 turns them into a
// shared-strings table (xl/sharedStrings.xml), as Excel and WPS save text.
func BenchmarkImport1M(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SHEQU_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	e, communities := hengshui(b)
	t0 := time.Now()
	wb := workbook(b, n, communities)
	b.Logf("workbook: %d rows, %d MB, written in %s", n, len(wb)>>20, time.Since(t0).Round(time.Millisecond))
	if os.Getenv("SHEQU_BENCH_SST") == "1" {
		t0 = time.Now()
		wb = sharedStrings(b, wb)
		count, unique := sstCounts(b, wb)
		b.Logf("shared strings: %d cells, %d unique, %d MB, converted in %s", count, unique, len(wb)>>20, time.Since(t0).Round(time.Millisecond))
	}
	ctx := auth.With(context.Background(), &auth.Principal{Name: "bench", Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, 2)})
	s := svc(e)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i > 0 {
			b.StopTimer()
			for _, t := range []string{"person_changes", "person_groups", "persons"} {
				if _, err := e.App.DB.Writer().Exec(`DELETE FROM ` + t); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
		}
		t, cpu := time.Now(), cpuTime()
		got, err := s.Import(ctx, bytes.NewReader(wb))
		if err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("imported %d of %d", got, n)
		}
		b.ReportMetric(float64(n)/time.Since(t).Seconds(), "rows/s")
		// CPU seconds of the whole process: on a shared machine the wall
		// time depends on the neighbours, this does not.
		b.ReportMetric((cpuTime() - cpu).Seconds(), "cpu-s")
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// go test -run '^$' -bench DemoLoad ./internal/person/: the demo's people
// on the real 衡水 tree through Load.
func BenchmarkDemoLoad(b *testing.B) {
	e := apptest.New(b)
	f, err := data.FS.Open("divisions/hengshui.csv")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.App.Divisions.ImportCSV(e.Ctx, f, nil); err != nil {
		b.Fatal(err)
	}
	f.Close()
	comms, err := e.App.Divisions.Store.Communities(e.Ctx)
	if err != nil {
		b.Fatal(err)
	}
	seeds := demo.DemoPersons(comms, time.Now(), 2026)
	s := svc(e)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i > 0 {
			b.StopTimer()
			for _, t := range []string{"person_changes", "person_groups", "persons"} {
				if _, err := e.App.DB.Writer().Exec(`DELETE FROM ` + t); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
		}
		if err := s.Load(e.Ctx, seeds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(seeds)), "people")
}
