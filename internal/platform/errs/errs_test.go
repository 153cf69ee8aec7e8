package errs

import (
	"errors"
	"strings"
	"testing"
)

func TestInternalNamesItsOperation(t *testing.T) {
	cause := errors.New("sql: no rows in result set")
	err := Internal("request.Store.get: select requests", cause)
	if !errors.Is(err, cause) {
		t.Fatalf("the cause is lost: %v", err)
	}
	if got := err.Error(); !strings.Contains(got, "request.Store.get: select requests: sql: no rows") {
		t.Fatalf("the logged text does not name the operation: %q", got)
	}
	if Internal("x.y", nil).Err == nil {
		t.Fatal("an internal error without a cause has no text for the log")
	}
}
