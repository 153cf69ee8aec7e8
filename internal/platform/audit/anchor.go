package audit

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// An Anchor is a link of the chain kept outside the database: the id and
// hash of a record as they were. A chain rewritten from some record on,
// however consistently, no longer passes through the anchors taken after
// that record, which Verify alone cannot tell.
type Anchor struct {
	ID   int64
	Hash string
}

func (a Anchor) String() string { return strconv.FormatInt(a.ID, 10) + " " + a.Hash }

// Head is the chain's newest link, as an anchor (ok false for an empty
// log).
func (l *Log) Head(ctx context.Context) (Anchor, bool, error) {
	var a Anchor
	err := l.DB.Q(ctx).QueryRowContext(ctx, `SELECT last_id, hash FROM audit_head WHERE one = 1`).Scan(&a.ID, &a.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, err
}

// Anchor writes the head to the server's log and, when file is not empty,
// appends it to that file as "time id hash": both are meant to be kept
// where the database's administrators cannot change them (a log collector,
// another machine's disk). For a background job.
func (l *Log) Anchor(ctx context.Context, file string) error {
	a, ok, err := l.Head(ctx)
	if err != nil || !ok {
		return err
	}
	slog.Info("audit chain head", "id", a.ID, "hash", a.Hash)
	if file == "" {
		return nil
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(f, "%s %s\n", time.Now().UTC().Format(time.RFC3339), a); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadAnchors reads anchors, one a line, as Anchor writes them ("time id
// hash"), as `shequ audit verify` prints a head ("head: record id, hash
// …"), or as "id hash"; blank lines and lines starting with # are skipped.
func ReadAnchors(r io.Reader) ([]Anchor, error) {
	var out []Anchor
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// "head: record 3, hash …" as `shequ audit verify` prints it.
		line = strings.NewReplacer("head:", " ", "record", " ", "hash", " ", ",", " ").Replace(line)
		f := strings.Fields(line)
		if len(f) == 3 {
			f = f[1:]
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("anchors line %d: want \"[time] id hash\", got %q", n, line)
		}
		id, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || id <= 0 || len(f[1]) != 64 {
			return nil, fmt.Errorf("anchors line %d: want \"[time] id hash\" with a record id and a 64-digit hash, got %q", n, line)
		}
		out = append(out, Anchor{ID: id, Hash: strings.ToLower(f[1])})
	}
	return out, sc.Err()
}

// CheckAnchors reports the first anchor the chain no longer passes
// through: its record missing or with another hash. Run it after Verify.
func (l *Log) CheckAnchors(ctx context.Context, anchors []Anchor) (*Broken, error) {
	for _, a := range anchors {
		var hash string
		err := l.DB.Q(ctx).QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE id = $1`, a.ID).Scan(&hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return &Broken{ID: a.ID, Key: "audit.broken.anchor", Args: []any{a.ID},
				Reason: fmt.Sprintf("rewritten: record %d, kept as an anchor, is gone", a.ID)}, nil
		case err != nil:
			return nil, err
		case hash != a.Hash:
			return &Broken{ID: a.ID, Key: "audit.broken.anchor", Args: []any{a.ID},
				Reason: fmt.Sprintf("rewritten: record %d no longer has the hash kept as an anchor", a.ID)}, nil
		}
	}
	return nil, nil
}
