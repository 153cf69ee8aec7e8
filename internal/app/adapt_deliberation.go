package app

import (
	"context"
	"slices"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/resident"
)

// deliberationRegistry is what deliberation reads from the registries: a
// community profile's counts, its verified residents, a resident account
// and a witnessing staff account.
type deliberationRegistry struct {
	divisions *division.Service
	residents *resident.Service
	users     *auth.Users
}

// Counts are the community profile's population and households (0 without a profile).
func (r deliberationRegistry) Counts(ctx context.Context, code string) (int64, int64, error) {
	p, _, err := r.divisions.Profile(SystemContext(ctx), code)
	if errs.Code(err) == errs.ENOTFOUND {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	return p.Population, p.Households, nil
}

// VerifiedResidents counts a community's verified residents.
func (r deliberationRegistry) VerifiedResidents(ctx context.Context, code string) (int64, error) {
	return r.residents.CountVerified(ctx, code)
}

// Resident is a resident account's community, name and verification (an
// account without a residents row is not verified).
func (r deliberationRegistry) Resident(ctx context.Context, userID int64) (string, string, bool, error) {
	x, err := r.residents.Get(SystemContext(ctx), userID)
	if errs.Code(err) == errs.ENOTFOUND {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	name := x.DisplayName
	if name == "" {
		name = x.Name
	}
	return x.CommunityCode, name, x.Status == resident.Verified, nil
}

// Staff finds a staff account of the caller's area by login, for a witness.
func (r deliberationRegistry) Staff(ctx context.Context, login string) (string, bool, error) {
	u, err := r.users.ByName(ctx, login)
	if errs.Code(err) == errs.ENOTFOUND {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if u.Disabled || !slices.Contains(auth.AreaStaff(), u.Role) {
		return "", false, nil
	}
	if u.DisplayName != "" {
		return u.DisplayName, true, nil
	}
	return u.Name, true, nil
}
