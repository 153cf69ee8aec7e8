package apptest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"

	"shequ/internal/platform/idcard"
)

// CheckSealed fails the test where the SQLite database file, its WAL or a
// fresh backup holds in the clear one of ids or phones, or any valid ID
// number. plain is a text the test stored in the clear (a name): the file
// and the backup must hold it, or the scan read nothing. The log's pages
// are copied into the file first (a passive checkpoint that leaves the log
// as it is): the database starts as a copy of the migrated template, so a
// test's few writes would otherwise be in the log alone.
func (e *Env) CheckSealed(ids, phones []string, plain string) {
	t := e.T
	t.Helper()
	if _, err := e.App.DB.Writer().Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := e.App.DB.Backup(e.Ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{e.App.DB.Path, e.App.DB.Path + "-wal", backup} {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		foundIDs, foundMobiles := idcard.FindInText(b)
		if len(foundIDs) > 0 {
			t.Errorf("%s holds ID numbers in the clear: %v", filepath.Base(f), foundIDs)
		}
		// Hex digests (blind indexes, audit hashes) can hold an 11-digit
		// run by chance; what must never be there is a real phone.
		for _, m := range foundMobiles {
			if slices.Contains(phones, m) {
				t.Errorf("%s holds the phone %s in the clear", filepath.Base(f), m)
			}
		}
		for _, v := range append(slices.Clone(ids), phones...) {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%s holds %s", filepath.Base(f), v)
			}
		}
		if f != e.App.DB.Path+"-wal" && !bytes.Contains(b, []byte(plain)) {
			t.Errorf("%s: %q not found; the scan reads nothing", filepath.Base(f), plain)
		}
	}
}
