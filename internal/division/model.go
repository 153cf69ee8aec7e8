// Package division is the spine of the system: the tree of divisions
// (city, county, township, community) and the communities' profiles.
package division

import (
	"regexp"
	"strings"
	"time"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/patch"
)

// Levels, as in the division files.
const (
	Province  = 1
	City      = 2
	County    = 3
	Township  = 4
	Community = 5
)

// LevelNames are the file and API names of the levels.
var LevelNames = [...]string{"", "province", "city", "county", "township", "community"}

// LevelOf parses a level name; 0 if unknown.
func LevelOf(name string) int {
	for i, n := range LevelNames {
		if i > 0 && n == name {
			return i
		}
	}
	return 0
}

// Kinds of townships and communities.
var (
	TownshipKinds  = []string{"subdistrict", "town", "township", "zone"}
	CommunityKinds = []string{"rural", "urban", "other"}
)

// Division is a node of the tree.
type Division struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      int    `json:"-"`
	LevelName  string `json:"level"`
	Kind       string `json:"kind,omitempty"`
	ParentCode string `json:"parent_code,omitempty"`
}

// Node is a division with what lies under it.
type Node struct {
	Division
	Children    int   `json:"children"`
	Communities int   `json:"communities"`
	Population  int64 `json:"population"`
	Households  int64 `json:"households"`
}

// Organisation parts: the urban six-part and rural five-part structures.
var (
	UrbanParts = []string{"party_branch", "residents_committee", "owners_committee", "property_management", "building_steward", "service_station"}
	RuralParts = []string{"party_branch", "villagers_committee", "village_affairs_supervision", "service_station", "economic_cooperative"}
)

// PartsFor returns the organisation structure of a community kind.
func PartsFor(kind string) []string {
	if kind == "rural" {
		return RuralParts
	}
	return UrbanParts
}

// Organisation is one part of a community's structure that exists.
type Organisation struct {
	Part string `json:"part"`
	Name string `json:"name"`
	Head string `json:"head"`
}

// Profile is a community's profile.
type Profile struct {
	Code            string         `json:"code"`
	Population      int64          `json:"population"`
	UrbanPopulation int64          `json:"urban_population"`
	Households      int64          `json:"households"`
	BuildingArea    float64        `json:"building_area"`
	CommercialArea  float64        `json:"commercial_area"`
	Relocation      bool           `json:"relocation"`
	Broadband       bool           `json:"broadband"`
	Has5G           bool           `json:"has_5g"`
	Organisations   []Organisation `json:"organisations"`
	Version         int            `json:"version"`
	UpdatedAt       *time.Time     `json:"updated_at,omitempty"`
	UpdatedBy       string         `json:"updated_by,omitempty"`
}

// ProfilePatch is a partial update; nil fields stay as they are. A non-nil
// Organisations replaces the whole structure.
type ProfilePatch struct {
	Population      *int64          `json:"population,omitempty"`
	UrbanPopulation *int64          `json:"urban_population,omitempty"`
	Households      *int64          `json:"households,omitempty"`
	BuildingArea    *float64        `json:"building_area,omitempty"`
	CommercialArea  *float64        `json:"commercial_area,omitempty"`
	Relocation      *bool           `json:"relocation,omitempty"`
	Broadband       *bool           `json:"broadband,omitempty"`
	Has5G           *bool           `json:"has_5g,omitempty"`
	Organisations   *[]Organisation `json:"organisations,omitempty"`
	// Version, when given, must match the stored one (optimistic locking).
	Version *int `json:"version,omitempty"`
}

// Apply returns p with the patch applied.
func (pt ProfilePatch) Apply(p Profile) Profile {
	patch.Value(&p.Population, pt.Population)
	patch.Value(&p.UrbanPopulation, pt.UrbanPopulation)
	patch.Value(&p.Households, pt.Households)
	patch.Value(&p.BuildingArea, pt.BuildingArea)
	patch.Value(&p.CommercialArea, pt.CommercialArea)
	patch.Value(&p.Relocation, pt.Relocation)
	patch.Value(&p.Broadband, pt.Broadband)
	patch.Value(&p.Has5G, pt.Has5G)
	if pt.Organisations != nil {
		p.Organisations = append([]Organisation(nil), (*pt.Organisations)...)
	}
	return p
}

// maxName bounds names and heads of organisations.
const maxName = 100

// Validate checks a profile of a community of kind.
func (p *Profile) Validate(kind string) error {
	var f errs.Fields
	if p.Population < 0 {
		f.Add("population", "error.negative")
	}
	if p.UrbanPopulation < 0 {
		f.Add("urban_population", "error.negative")
	} else if p.UrbanPopulation > p.Population {
		f.Add("urban_population", "error.greater_than", i18n.Key("field.population"))
	}
	if p.Households < 0 {
		f.Add("households", "error.negative")
	} else if p.Households > p.Population && p.Population > 0 {
		f.Add("households", "error.greater_than", i18n.Key("field.population"))
	}
	if p.BuildingArea < 0 {
		f.Add("building_area", "error.negative")
	}
	if p.CommercialArea < 0 {
		f.Add("commercial_area", "error.negative")
	} else if p.CommercialArea > p.BuildingArea {
		f.Add("commercial_area", "error.greater_than", i18n.Key("field.building_area"))
	}
	allowed := PartsFor(kind)
	seen := map[string]bool{}
	for i, o := range p.Organisations {
		o.Part = strings.TrimSpace(o.Part)
		p.Organisations[i].Name = strings.TrimSpace(o.Name)
		p.Organisations[i].Head = strings.TrimSpace(o.Head)
		switch {
		case !contains(allowed, o.Part):
			f.Add("organisations", "division.part_unknown", o.Part)
		case seen[o.Part]:
			f.Add("organisations", "division.part_twice", o.Part)
		}
		seen[o.Part] = true
		if len([]rune(o.Name)) > maxName {
			f.Add("org."+o.Part+".name", "error.too_long", maxName)
		}
		if len([]rune(o.Head)) > maxName {
			f.Add("org."+o.Part+".head", "error.too_long", maxName)
		}
	}
	return f.Err()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var codeRE = regexp.MustCompile(`^[0-9]{12}$`)

// ValidCode reports whether s is a 12-digit division code.
func ValidCode(s string) bool { return codeRE.MatchString(s) }

// PrefixLen is the number of significant digits at a level.
var PrefixLen = [...]int{0, 2, 4, 6, 9, 12}

// LevelFromCode infers the level a code's zeros say; used to check nesting.
func LevelFromCode(code string) int { return Code(code).Level() }

// ParentOf derives the parent code of a code at level.
func ParentOf(code string, level int) string {
	if level <= Province {
		return ""
	}
	return Code(code).At(level - 1)
}

// Change is one entry of a profile's history.
type Change struct {
	ID        int64          `json:"id"`
	ChangedAt time.Time      `json:"changed_at"`
	Actor     string         `json:"actor"`
	Fields    []FieldChange  `json:"fields"`
	Before    map[string]any `json:"-"`
	After     map[string]any `json:"-"`
}

// FieldChange is one changed field.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// RangeOf is the inclusive range of 12-digit codes at or under a valid
// code, from the level its trailing zeros give: code BETWEEN lo AND hi.
func RangeOf(code string) (lo, hi string) { return Code(code).Range() }
