package division

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// ImportResult says what an import did.
type ImportResult struct {
	Rows     int `json:"rows"`
	Inserted int `json:"inserted"`
	Updated  int `json:"updated"`
}

// maxImportErrors bounds how many bad rows one error lists.
const maxImportErrors = 200

// ImportCSV reads a division file (code,name,level,kind,parent_code) and
// upserts it in one transaction: a file with any bad row changes nothing,
// and the error names every bad row (line numbers count the header as 1).
// Importing the same file twice changes nothing the second time.
// Only the system principal (the CLI) may import.
func (s *Service) ImportCSV(ctx context.Context, r io.Reader, progress func(done, total int)) (*ImportResult, error) {
	return s.importCSV(ctx, r, progress, true)
}

// ImportCSVDeferMeasures is ImportCSV for a caller that calls
// RebuildMeasures itself right after, in the same transaction (the demo
// builder, which writes the profiles first).
func (s *Service) ImportCSVDeferMeasures(ctx context.Context, r io.Reader, progress func(done, total int)) (*ImportResult, error) {
	return s.importCSV(ctx, r, progress, false)
}

func (s *Service) importCSV(ctx context.Context, r io.Reader, progress func(done, total int), rebuild bool) (*ImportResult, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	rows, bad, err := parseCSV(r)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Rows: len(rows)}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		existing, err := s.existingCodes(ctx)
		if err != nil {
			return err
		}
		// Every bad row at once: those that did not parse and those whose
		// parent is missing.
		bad = append(bad, checkParents(rows, existing)...)
		if len(bad) > 0 {
			sort.SliceStable(bad, func(i, j int) bool { return bad[i].Row < bad[j].Row })
			return errs.Invalid(bad...)
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].Code < rows[j].Code })
		for i, d := range rows {
			old, had := existing[d.Code]
			switch {
			case !had:
				res.Inserted++
			case old != d.key():
				res.Updated++
			default:
				continue
			}
			if err := s.Store.importDivision(ctx, d); err != nil {
				return err
			}
			if progress != nil && (i+1)%500 == 0 {
				progress(i+1, len(rows))
			}
		}
		if progress != nil {
			progress(len(rows), len(rows))
		}
		if rebuild && res.Inserted+res.Updated > 0 {
			if err := s.RebuildMeasures(ctx); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "division.import", ObjectType: "division", ObjectID: "*", Detail: res})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

type importRow struct {
	Division
	line int
}

func (d *importRow) key() string {
	return d.Name + "\x1f" + d.LevelName + "\x1f" + d.Kind + "\x1f" + d.ParentCode
}

func (s *Service) existingCodes(ctx context.Context) (map[string]string, error) {
	ds, err := s.Store.all(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(ds))
	for _, d := range ds {
		r := importRow{Division: d}
		m[d.Code] = r.key()
	}
	return m, nil
}

func rowErr(line int, field, key string, args ...any) errs.FieldError {
	f := errs.Field(field, key, args...)
	f.Row = line
	return f
}

// parseCSV reads the rows; those with a bad field come back as field
// errors, the rest as rows. err is for a file that cannot be read at all.
func parseCSV(r io.Reader) ([]*importRow, errs.Fields, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, errs.Invalid(rowErr(1, "header", "import.header", "code,name,level,kind,parent_code"))
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if strings.Join(header, ",") != "code,name,level,kind,parent_code" {
		return nil, nil, errs.Invalid(rowErr(1, "header", "import.header", "code,name,level,kind,parent_code"))
	}
	var out []*importRow
	var bad errs.Fields
	seen := map[string]int{}
	line := 1
	for {
		rec, err := cr.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			bad = append(bad, rowErr(line, "row", "import.csv_syntax", err.Error()))
			break
		}
		if len(rec) != 5 {
			bad = append(bad, rowErr(line, "row", "import.columns", len(rec)))
			continue
		}
		d := &importRow{line: line}
		d.Code, d.Name, d.LevelName, d.Kind, d.ParentCode = strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]),
			strings.TrimSpace(rec[2]), strings.TrimSpace(rec[3]), strings.TrimSpace(rec[4])
		d.Level = LevelOf(d.LevelName)
		n := len(bad)
		switch {
		case !ValidCode(d.Code):
			bad = append(bad, rowErr(line, "code", "division.code_format"))
		case seen[d.Code] != 0:
			bad = append(bad, rowErr(line, "code", "import.duplicate", d.Code, seen[d.Code]))
		default:
			seen[d.Code] = line
		}
		if d.Name == "" {
			bad = append(bad, rowErr(line, "name", "error.required"))
		} else if utf8.RuneCountInString(d.Name) > 100 {
			bad = append(bad, rowErr(line, "name", "error.too_long", 100))
		}
		if d.Level == 0 {
			bad = append(bad, rowErr(line, "level", "error.one_of", "province, city, county, township, community"))
		} else if ValidCode(d.Code) && LevelFromCode(d.Code) != d.Level {
			bad = append(bad, rowErr(line, "level", "import.level_nesting", d.LevelName, LevelNames[LevelFromCode(d.Code)]))
		}
		switch d.Level {
		case Township:
			if !contains(TownshipKinds, d.Kind) {
				bad = append(bad, rowErr(line, "kind", "error.one_of", strings.Join(TownshipKinds, ", ")))
			}
		case Community:
			if !contains(CommunityKinds, d.Kind) {
				bad = append(bad, rowErr(line, "kind", "error.one_of", strings.Join(CommunityKinds, ", ")))
			}
		default:
			if d.Kind != "" {
				bad = append(bad, rowErr(line, "kind", "import.kind_empty"))
			}
		}
		if d.ParentCode != "" && len(bad) == n {
			if !ValidCode(d.ParentCode) {
				bad = append(bad, rowErr(line, "parent_code", "division.code_format"))
			} else if want := ParentOf(d.Code, d.Level); d.ParentCode != want {
				bad = append(bad, rowErr(line, "parent_code", "import.parent_nesting", d.ParentCode, want))
			}
		}
		if len(bad) >= maxImportErrors {
			break
		}
		if len(bad) == n {
			out = append(out, d)
		}
	}
	if len(out) == 0 && len(bad) == 0 {
		return nil, nil, errs.Invalid(rowErr(2, "row", "import.empty"))
	}
	return out, bad, nil
}

// checkParents: every parent must be in the file or the database. A row
// with no parent_code is a root, unless its derived parent is present, in
// which case it hangs there.
func checkParents(rows []*importRow, existing map[string]string) errs.Fields {
	inFile := make(map[string]bool, len(rows))
	for _, d := range rows {
		inFile[d.Code] = true
	}
	var bad errs.Fields
	for _, d := range rows {
		if d.ParentCode == "" {
			if p := ParentOf(d.Code, d.Level); p != "" && (inFile[p] || existing[p] != "") {
				d.ParentCode = p
			}
			continue
		}
		if !inFile[d.ParentCode] && existing[d.ParentCode] == "" {
			bad = append(bad, rowErr(d.line, "parent_code", "import.parent_missing", d.ParentCode))
			if len(bad) >= maxImportErrors {
				break
			}
		}
	}
	return bad
}
