package division

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"path"
	"strings"
	"sync"
	"unicode/utf8"

	"shequ/internal/platform/errs"
)

// Places resolves a place given in words or coordinates to a community:
// an address string against division names (a full path such as
// 衡水市桃城区河西街道游园社区, a part of one, or a unique name), and a
// point to the county whose boundary holds it (the dashboard map's
// boundaries), narrowed to a community by the address when one is given.
type Places struct {
	Store    *Store
	counties []county
}

type county struct {
	code  string // 12 digits
	rings [][][2]float64
	box   [4]float64 // min lng, min lat, max lng, max lat
}

// NewPlaces reads the county boundaries from the GeoJSON files in maps
// (one per city, each feature a county whose id is its 6-digit code).
func NewPlaces(st *Store, maps fs.FS, dir string) (*Places, error) {
	p := &Places{Store: st}
	if maps == nil {
		return p, nil
	}
	files, err := fs.Glob(maps, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(maps, f)
		if err != nil {
			return nil, err
		}
		cs, err := countiesOf(b)
		if err != nil {
			return nil, errs.Internal("division.NewPlaces: "+f, err)
		}
		p.counties = append(p.counties, cs...)
	}
	return p, nil
}

// parsed keeps the counties read from each file content (by its SHA-256),
// so that a process that opens the application many times (a test binary)
// reads each boundary file once. Counties are never changed after parsing.
var parsed sync.Map

func countiesOf(b []byte) ([]county, error) {
	k := sha256.Sum256(b)
	if cs, ok := parsed.Load(k); ok {
		return cs.([]county), nil
	}
	cs, err := parseCounties(b)
	if err != nil {
		return nil, err
	}
	parsed.Store(k, cs)
	return cs, nil
}

type geoJSON struct {
	Features []struct {
		ID       any `json:"id"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

func parseCounties(b []byte) ([]county, error) {
	var g geoJSON
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, err
	}
	var out []county
	for _, f := range g.Features {
		id, ok := f.ID.(string)
		if !ok || len(id) != 6 {
			continue
		}
		c := county{code: id + "000000", box: [4]float64{180, 90, -180, -90}}
		switch f.Geometry.Type {
		case "Polygon":
			var rings [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &rings); err != nil {
				return nil, err
			}
			c.rings = rings
		case "MultiPolygon":
			var polys [][][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, err
			}
			for _, p := range polys {
				c.rings = append(c.rings, p...)
			}
		default:
			continue
		}
		for _, r := range c.rings {
			for _, pt := range r {
				c.box[0], c.box[1] = min(c.box[0], pt[0]), min(c.box[1], pt[1])
				c.box[2], c.box[3] = max(c.box[2], pt[0]), max(c.box[3], pt[1])
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// inside is the even-odd rule over every ring: holes and islands both count right.
func (c *county) inside(lng, lat float64) bool {
	if lng < c.box[0] || lng > c.box[2] || lat < c.box[1] || lat > c.box[3] {
		return false
	}
	in := false
	for _, r := range c.rings {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			xi, yi, xj, yj := r[i][0], r[i][1], r[j][0], r[j][1]
			if (yi > lat) != (yj > lat) && lng < (xj-xi)*(lat-yi)/(yj-yi)+xi {
				in = !in
			}
		}
	}
	return in
}

// County returns the county whose boundary holds the point, or "".
func (p *Places) County(lat, long float64) string {
	for i := range p.counties {
		if p.counties[i].inside(long, lat) {
			return p.counties[i].code
		}
	}
	return ""
}

// committee suffixes: the statistical names end in them, people leave them off.
var committees = []string{"居民委员会", "村民委员会", "居委会", "村委会"}

const maxPlaceRunes = 60

// Resolve returns the community an address string names, or that holds a
// point and the address narrows to. lat and long are both given or
// neither. Errors: EINVALID on the field to fix, saying what to send.
func (p *Places) Resolve(ctx context.Context, address string, lat, long *float64) (string, error) {
	address = strings.Join(strings.Fields(address), "")
	within := ""
	if lat != nil && long != nil {
		if *lat < -90 || *lat > 90 || *long < -180 || *long > 180 {
			return "", errs.Invalid(errs.Field("lat", "division.place.bad_point"))
		}
		within = p.County(*lat, *long)
		if within == "" && address == "" {
			return "", errs.Invalid(errs.Field("lat", "division.place.outside"))
		}
	}
	if address == "" {
		if within != "" {
			d, err := p.Store.byCode(ctx, within)
			if err != nil {
				return "", err
			}
			name := within
			if d != nil {
				name = d.Name
			}
			return "", errs.Invalid(errs.Field("address_string", "division.place.county_only", name))
		}
		return "", errs.Invalid(errs.Field("address_string", "division.place.required"))
	}
	if utf8.RuneCountInString(address) > maxPlaceRunes {
		return "", errs.Invalid(errs.Field("address_string", "error.too_long", maxPlaceRunes))
	}
	found, err := p.byAddress(ctx, address, within)
	if err != nil {
		return "", err
	}
	switch len(found) {
	case 0:
		return "", errs.Invalid(errs.Field("address_string", "division.place.not_found", address))
	case 1:
		return found[0].code, nil
	}
	var paths []string
	for i, f := range found {
		if i == 5 {
			break
		}
		paths = append(paths, f.path)
	}
	return "", errs.Invalid(errs.Field("address_string", "division.place.ambiguous", address, strings.Join(paths, "、")))
}

type match struct{ code, path string }

// spells reports whether s is some of names joined in order, any of them
// left out (衡水市河西街道 for 河北省衡水市桃城区河西街道).
func spells(s string, names []string) bool {
	if s == "" {
		return true
	}
	for i, n := range names {
		if strings.HasPrefix(s, n) && spells(s[len(n):], names[i+1:]) {
			return true
		}
	}
	return false
}

// byAddress finds the communities whose name ends the address and whose
// ancestors' names, joined, end with what comes before it.
func (p *Places) byAddress(ctx context.Context, address, within string) ([]match, error) {
	rs := []rune(address)
	var names []string
	tail := map[string]int{} // a stored name → runes of the address it matched
	for n := 2; n <= len(rs); n++ {
		c := string(rs[len(rs)-n:])
		names = append(names, c)
		tail[c] = n
		for _, suf := range committees {
			if !strings.HasSuffix(c, suf) {
				names = append(names, c+suf)
				tail[c+suf] = n
			}
		}
	}
	cands, err := p.Store.Named(ctx, Community, names)
	if err != nil {
		return nil, err
	}
	var out []match
	for _, c := range cands {
		if within != "" && !strings.HasPrefix(c.Code, within[:6]) {
			continue
		}
		rest := string(rs[:len(rs)-tail[c.Name]])
		up, err := p.Store.Lineage(ctx, c.Code, Community)
		if err != nil {
			return nil, err
		}
		names := make([]string, len(up))
		var full strings.Builder
		for i, d := range up {
			names[i] = d.Name
			full.WriteString(d.Name)
		}
		if !spells(rest, names) {
			continue
		}
		out = append(out, match{code: c.Code, path: full.String() + c.Name})
	}
	return out, nil
}
