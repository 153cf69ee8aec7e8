package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sqlOutsideStoreAllowed lists the packages (folders under the module root,
// with their subfolders) that may still call the database outside their
// store files, or files that may. Add nothing here.
var sqlOutsideStoreAllowed = []string{}

// sqlCheckedPlatform lists the platform packages held to the same rule:
// the others (db, measure, audit, …) are libraries whose every file is
// about the database.
var sqlCheckedPlatform = []string{
	"internal/platform/auth",
}

// dbCallArgs is the database methods a slice may call only in its store
// files, with the fewest arguments a database call of that name takes
// (r.URL.Query() takes none, so it is not one).
var dbCallArgs = map[string]int{
	"ExecContext":     2,
	"QueryContext":    2,
	"QueryRowContext": 2,
	"PrepareContext":  2,
	"Exec":            1,
	"Query":           1,
	"QueryRow":        1,
}

// sqlLiteral matches a string that starts with an SQL statement.
var sqlLiteral = regexp.MustCompile(`^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b`)

// TestSQLOnlyInStoreFiles holds the slices to the rule that every query
// lives in a store method (docs/architecture.md): outside files named
// store*.go, a slice under internal/ (not platform, app or e2e) neither
// calls the database nor spells SQL.
func TestSQLOnlyInStoreFiles(t *testing.T) {
	var found []string
	walkInternal(t, func(path, rel string, d fs.DirEntry) error {
		if d.IsDir() {
			switch {
			case rel == "internal/app", rel == "internal/e2e":
				return filepath.SkipDir
			case strings.HasSuffix(rel, "test"):
				// Test support (apptest, requesttest, certtest): it
				// builds fixtures for tests and is never in the binary.
				return filepath.SkipDir
			case strings.HasPrefix(rel+"/", "internal/platform/") && rel != "internal/platform" && !slices.Contains(sqlCheckedPlatform, rel):
				return filepath.SkipDir
			}
			for _, p := range sqlOutsideStoreAllowed {
				if rel == p {
					return filepath.SkipDir
				}
			}
			return nil
		}
		name := d.Name()
		if slices.Contains(sqlOutsideStoreAllowed, rel) {
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "store") {
			return nil
		}
		found = append(found, sqlOutsideStore(t, path, rel)...)
		return nil
	})
	if len(found) > 0 {
		t.Errorf("%d database calls or SQL strings outside store*.go files (move them into a store method):\n%s",
			len(found), strings.Join(found, "\n"))
	}
}

// sqlOutsideStore names, as file:line, each database call and SQL string
// literal in one Go file.
func sqlOutsideStore(t *testing.T, path, rel string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	at := func(n ast.Node, what string) {
		out = append(out, rel+":"+strconv.Itoa(fset.Position(n.Pos()).Line)+": "+what)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if min, ok := dbCallArgs[sel.Sel.Name]; ok && len(n.Args) >= min {
				at(n, "calls "+sel.Sel.Name)
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err == nil && sqlLiteral.MatchString(s) {
				at(n, "SQL "+strconv.Quote(firstLine(s)))
			}
		}
		return true
	})
	return out
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 60 {
		s = s[:60] + " …"
	}
	return s
}

// TestConfigAndDialectStayBelow holds two more rules of
// docs/architecture.md over internal/ (test files and test support such
// as apptest and dbtest aside): nothing reads the environment, which
// cmd/shequ reads into app.Config and passes down; and no slice outside
// internal/platform branches on the SQL dialect, which platform/db's
// helpers (LockOf, ForUpdate, Bool, InsertRows, …) hide.
func TestConfigAndDialectStayBelow(t *testing.T) {
	var found []string
	walkInternal(t, func(path, rel string, d fs.DirEntry) error {
		if d.IsDir() {
			if strings.HasSuffix(rel, "test") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		platform := strings.HasPrefix(rel, "internal/platform/")
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			at := rel + ":" + strconv.Itoa(fset.Position(sel.Pos()).Line)
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "os" && (sel.Sel.Name == "Getenv" || sel.Sel.Name == "LookupEnv" || sel.Sel.Name == "Environ") {
				found = append(found, at+": reads the environment (read it in cmd/shequ into app.Config)")
			}
			if sel.Sel.Name == "Dialect" && !platform {
				found = append(found, at+": branches on the SQL dialect (use or add a platform/db helper)")
			}
			return true
		})
		return nil
	})
	if len(found) > 0 {
		t.Errorf("%d breaches:\n%s", len(found), strings.Join(found, "\n"))
	}
}

// walkInternal calls each for every folder and file under internal/, with
// its path from the module root in slashes (rel); each returns
// filepath.SkipDir to pass over a folder.
func walkInternal(t *testing.T, each func(path, rel string, d fs.DirEntry) error) {
	t.Helper()
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		return each(path, filepath.ToSlash(rel), d)
	})
	if err != nil {
		t.Fatal(err)
	}
}
