package facility

import (
	"context"
	"sort"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/measure"
)

// Measure names, as the indicator engine's formulas read them.
const (
	mRuralComp      = "facility.rural_with_comprehensive"
	mUrbanComp      = "facility.urban_with_comprehensive"
	mFloorUrban     = "facility.floor_area_urban"
	mCompFloor      = "facility.comprehensive_floor_area"
	mCompActivity   = "facility.comprehensive_activity_area"
	mUrbanTerminal  = "facility.urban_with_terminal"
	mTownshipSWS    = "facility.townships_with_social_work_station"
	mPracticeVolunt = "facility.with_practice_station_and_volunteer_point"
	mHomeCare       = "facility.with_home_care"
	mFitness        = "facility.with_fitness_circle"
	mRelocation     = "facility.relocation_with_facility"
	mCompOpen8h     = "facility.comprehensive_open_8h"
	mCompInUse      = "facility.comprehensive_in_use"
	ownerName       = "facility"
	socialWorkKind  = "social_work_station"
	practiceKind    = "civilization_practice_station"
	volunteerKind   = "volunteer_service_point"
	homeCareKind    = "home_elderly_care"
)

// Measures kept by this slice. Areas are in hundredths of m².
var Measures = []measure.Def{
	{Name: mRuralComp, Owner: ownerName, Remedy: "/facilities/new?division={code}&kind=comprehensive"},
	{Name: mUrbanComp, Owner: ownerName, Remedy: "/facilities/new?division={code}&kind=comprehensive"},
	{Name: mFloorUrban, Owner: ownerName, Scale: 100},
	{Name: mCompFloor, Owner: ownerName, Scale: 100},
	{Name: mCompActivity, Owner: ownerName, Scale: 100},
	{Name: mUrbanTerminal, Owner: ownerName, Remedy: "/facilities/new?division={code}&kind=comprehensive"},
	{Name: mTownshipSWS, Owner: ownerName, Remedy: "/facilities/new?division={code}&kind=social_work_station"},
	{Name: mPracticeVolunt, Owner: ownerName, Remedy: "/facilities/new?division={code}&kind=civilization_practice_station"},
	{Name: mHomeCare, Owner: ownerName, Remedy: "/facilities/new?division={code}&kind=home_elderly_care"},
	{Name: mFitness, Owner: ownerName, Remedy: "/facilities/new?division={code}&kind=sport_fitness"},
	{Name: mRelocation, Owner: ownerName, Remedy: "/facilities/new?division={code}&kind=comprehensive"},
	{Name: mCompOpen8h, Owner: ownerName},
	{Name: mCompInUse, Owner: ownerName},
}

// ownMeasures are the measures counted at a facility's own division (all
// but the township one, which counts a whole township's subtree).
var ownMeasures = func() []string {
	var out []string
	for _, d := range Measures {
		if d.Name != mTownshipSWS {
			out = append(out, d.Name)
		}
	}
	return out
}()

// counted is what the measures need of an in-use facility.
type counted struct {
	Kind                  string
	Floor, Activity       int64
	Terminals             int
	Open8h, FitnessCircle bool
}

func b2i(v bool) int64 {
	if v {
		return 1
	}
	return 0
}

// valuesAt computes the own measures of one division from its in-use
// facilities: coverage flags for a community by its kind and relocation
// flag, counts and areas wherever the facilities are.
func valuesAt(p place, fs []counted) map[string]int64 {
	m := make(map[string]int64, len(ownMeasures))
	for _, k := range ownMeasures {
		m[k] = 0
	}
	var comp, terminal, practice, volunteer, homeCare, fitness bool
	var floorAll int64
	for _, f := range fs {
		floorAll += f.Floor
		if IsComprehensive(f.Kind) {
			comp = true
			m[mCompFloor] += f.Floor
			m[mCompActivity] += f.Activity
			m[mCompInUse]++
			m[mCompOpen8h] += b2i(f.Open8h)
		}
		terminal = terminal || f.Terminals > 0
		practice = practice || f.Kind == practiceKind
		volunteer = volunteer || f.Kind == volunteerKind
		homeCare = homeCare || f.Kind == homeCareKind
		fitness = fitness || f.FitnessCircle
	}
	if p.Level != division.Community {
		return m
	}
	urban := p.Kind == "urban"
	m[mRuralComp] = b2i(p.Kind == "rural" && comp)
	m[mUrbanComp] = b2i(urban && comp)
	if urban {
		m[mFloorUrban] = floorAll
	}
	m[mUrbanTerminal] = b2i(urban && terminal)
	m[mPracticeVolunt] = b2i(practice && volunteer)
	m[mHomeCare] = b2i(homeCare)
	m[mFitness] = b2i(fitness)
	m[mRelocation] = b2i(p.Relocation && comp)
	return m
}

// Refresh recomputes the measures of the given divisions (and of the
// townships above them) from the facilities table, in ctx's transaction:
// every write calls it with the divisions it touched, so each indicator
// is exact on the next read. It reads whole divisions regardless of the
// caller's area: a measure is a fact, not a view.
func (s *Service) Refresh(ctx context.Context, codes ...string) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		sys := auth.With(ctx, auth.SystemPrincipal)
		townships := map[string]bool{}
		seen := map[string]bool{}
		sort.Strings(codes)
		for _, code := range codes {
			if seen[code] || code == "" {
				continue
			}
			seen[code] = true
			p, err := s.Store.Place(sys, code)
			if err != nil {
				return err
			}
			fs, err := s.Store.inUse(ctx, code)
			if err != nil {
				return err
			}
			for k, v := range valuesAt(*p, fs) {
				if err := s.Measures.Set(ctx, k, code, v); err != nil {
					return err
				}
			}
			switch p.Level {
			case division.Township:
				townships[code] = true
			case division.Community:
				townships[division.Code(code).Township()] = true
			}
		}
		tcodes := make([]string, 0, len(townships))
		for t := range townships {
			tcodes = append(tcodes, t)
		}
		sort.Strings(tcodes)
		for _, t := range tcodes {
			lo, hi := division.Code(t).Range()
			n, err := s.Store.socialWorkStations(ctx, lo, hi)
			if err != nil {
				return err
			}
			if err := s.Measures.Set(ctx, mTownshipSWS, t, b2i(n > 0)); err != nil {
				return err
			}
		}
		return nil
	})
}

// RebuildMeasures recomputes every measure of the slice from the whole
// facilities table with set-based writes: after a large import, a change
// of the tree, and for the demo.
func (s *Service) RebuildMeasures(ctx context.Context) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		sys := auth.With(ctx, auth.SystemPrincipal)
		places, err := s.Store.Places(sys, "000000000000", "999999999999")
		if err != nil {
			return err
		}
		by, err := s.Store.inUseByDivision(ctx)
		if err != nil {
			return err
		}
		vals := map[string]map[string]int64{}
		for _, d := range Measures {
			vals[d.Name] = map[string]int64{}
		}
		for code, fs := range by {
			p, ok := places[code]
			if !ok {
				continue
			}
			for k, v := range valuesAt(p, fs) {
				if v != 0 {
					vals[k][code] = v
				}
			}
			for _, f := range fs {
				if f.Kind == socialWorkKind {
					vals[mTownshipSWS][division.Code(code).Township()] = 1
				}
			}
		}
		for _, d := range Measures {
			if err := s.Measures.Rebuild(ctx, d.Name, vals[d.Name]); err != nil {
				return err
			}
		}
		return nil
	})
}
