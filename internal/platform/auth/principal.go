// Package auth knows who is asking: the principal in ctx, roles, areas,
// passwords, sessions, API tokens, lockout and TOTP.
package auth

import (
	"context"
	"slices"
	"strings"

	"shequ/internal/platform/errs"
)

// Role is what an account does.
type Role string

// Roles, from the design's table.
const (
	Resident        Role = "resident"
	GridWorker      Role = "grid_worker"
	CommunityWorker Role = "community_worker"
	TownshipStaff   Role = "township_staff"
	CountyStaff     Role = "county_staff"
	CityStaff       Role = "city_staff"
	HandlingUnit    Role = "handling_unit"
	Auditor         Role = "auditor"
	Admin           Role = "admin"
	// System is the principal of the CLI and background jobs; never an account.
	System Role = "system"
)

// Roles lists the account roles in a stable order.
var Roles = []Role{Resident, GridWorker, CommunityWorker, TownshipStaff, CountyStaff, CityStaff, HandlingUnit, Auditor, Admin}

// Valid reports whether r is an account role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Staff roles keep registries inside their area.
func (r Role) Staff() bool {
	switch r {
	case GridWorker, CommunityWorker, TownshipStaff, CountyStaff, CityStaff:
		return true
	}
	return false
}

// NeedsTOTP: the roles that must enrol a second factor.
func (r Role) NeedsTOTP() bool { return r == Admin || r == CityStaff || r == CountyStaff }

// Rank orders the staff roles by the level they work at; 0 for others.
func (r Role) Rank() int {
	switch r {
	case GridWorker:
		return 1
	case CommunityWorker:
		return 2
	case TownshipStaff:
		return 3
	case CountyStaff:
		return 4
	case CityStaff:
		return 5
	}
	return 0
}

// Principal is who is acting.
type Principal struct {
	UserID int64
	Name   string // the login
	// DisplayName is the name people are greeted by (Display falls back
	// to the login when it is empty).
	DisplayName string
	Role        Role
	Area        Area
	Demo        bool
	Lang        string
	Elderly     bool
	Client      string // client address
	Session     string // session id hash, empty for tokens and the system
}

// Display is the name to greet the principal by: its display name, else
// its login.
func (p *Principal) Display() string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Name
}

// Area is an account's subtree: a division code and the length of the prefix
// that its descendants share.
type Area struct {
	Code   string
	Prefix string
}

// LevelPrefixLen is the number of significant digits of a code at each level
// (1 province … 5 community).
var LevelPrefixLen = [...]int{0, 2, 4, 6, 9, 12}

// AreaOf makes the area of a division at level.
func AreaOf(code string, level int) Area {
	n := 12
	if level >= 1 && level <= 5 {
		n = LevelPrefixLen[level]
	}
	if len(code) < n {
		n = len(code)
	}
	return Area{Code: code, Prefix: code[:n]}
}

// Range returns the inclusive range of 12-digit codes inside the area, for an
// index range scan: code BETWEEN lo AND hi.
func (a Area) Range() (lo, hi string) {
	return a.Prefix + strings.Repeat("0", 12-len(a.Prefix)), a.Prefix + strings.Repeat("9", 12-len(a.Prefix))
}

// Contains reports whether a division code lies inside the area.
func (a Area) Contains(code string) bool { return strings.HasPrefix(code, a.Prefix) }

// SystemPrincipal acts for the CLI and background jobs: every area.
var SystemPrincipal = &Principal{Name: "system", Role: System}

type ctxKey struct{}

// With puts p in ctx.
func With(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the principal in ctx, or nil.
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// Must returns the principal, or EUNAUTHORIZED.
func Must(ctx context.Context) (*Principal, error) {
	p := From(ctx)
	if p == nil {
		return nil, errs.E(errs.EUNAUTHORIZED, "error.unauthorized")
	}
	return p, nil
}

// Scope returns the code range ctx's principal may see. The system sees all;
// no principal sees nothing.
func Scope(ctx context.Context) (lo, hi string, err error) {
	p, err := Must(ctx)
	if err != nil {
		return "", "", err
	}
	if p.Role == System {
		return "000000000000", "999999999999", nil
	}
	lo, hi = p.Area.Range()
	return lo, hi, nil
}

// Require returns EFORBIDDEN unless ctx's principal has one of roles (the
// system principal always passes).
func Require(ctx context.Context, roles ...Role) (*Principal, error) {
	p, err := Must(ctx)
	if err != nil {
		return nil, err
	}
	if p.Role == System || slices.Contains(roles, p.Role) {
		return p, nil
	}
	return nil, errs.Forbidden()
}

// Has tells whether ctx's principal has one of roles (Require without the
// error: for a page that shows an action only to those who may take it).
func Has(ctx context.Context, roles ...Role) bool {
	_, err := Require(ctx, roles...)
	return err == nil
}

// StaffRoles are the roles that work on registries, lowest level first.
var StaffRoles = []Role{GridWorker, CommunityWorker, TownshipStaff, CountyStaff, CityStaff}

// ReadRoles may read the division tree and community profiles.
var ReadRoles = []Role{GridWorker, CommunityWorker, TownshipStaff, CountyStaff, CityStaff, HandlingUnit}
