package audit

import (
	"context"

	"shequ/internal/platform/auth"
)

// Reach is the part of the log an auditor reads. A record is placed by
// the area of whoever acted (the only division a record holds): an
// auditor reads the records of actors inside their area. Records without
// an area (the system's jobs and CLI, callers not signed in) and breaks of
// the chain that no record can be placed at are read only by an auditor of
// the city or above. The system reads everything.
type Reach struct {
	All      bool   // the system principal
	Lo, Hi   string // the auditor's area as a code range
	Unplaced bool   // also the records without an area
}

// ReachOf is the reach of ctx's principal, who must be an auditor (or the
// system). Errors: EUNAUTHORIZED, EFORBIDDEN.
func ReachOf(ctx context.Context) (Reach, error) {
	p, err := auth.Require(ctx, auth.Auditor)
	if err != nil {
		return Reach{}, err
	}
	if p.Role == auth.System {
		return Reach{All: true}, nil
	}
	lo, hi := p.Area.Range()
	return Reach{Lo: lo, Hi: hi, Unplaced: len(p.Area.Prefix) <= auth.LevelPrefixLen[2]}, nil
}

// Contains reports whether a record of an actor in area is within reach.
func (r Reach) Contains(area string) bool {
	switch {
	case r.All:
		return true
	case area == "":
		return r.Unplaced
	}
	return area >= r.Lo && area <= r.Hi
}

// cond is the reach as a condition on audit_log, with "?" placeholders
// for add; nil args when it selects everything.
func (r Reach) cond() (string, []any) {
	switch {
	case r.All:
		return "", nil
	case r.Unplaced:
		return "(area BETWEEN ? AND ? OR area = ?)", []any{r.Lo, r.Hi, ""}
	}
	return "area BETWEEN ? AND ?", []any{r.Lo, r.Hi}
}
