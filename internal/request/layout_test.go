package request_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dbCall is a query or a statement run on the database.
var dbCall = regexp.MustCompile(`\.(QueryContext|QueryRowContext|ExecContext|PrepareContext)\(|\.DB\.[QW]\(`)

// TestSQLOnlyInStores: in request and its packages (stats, open311), only
// the store files (store*.go) talk to the database; services compose store
// calls in their transactions. outbox.go is the notification outbox, on its
// way to a slice of its own.
func TestSQLOnlyInStores(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "store") ||
			path == "outbox.go" || strings.HasPrefix(path, "requesttest") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if dbCall.MatchString(line) {
				t.Errorf("%s:%d calls the database outside a store file: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
