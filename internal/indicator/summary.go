package indicator

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"sort"
	"sync"
)

// The dashboard's summary, read before the tables: how many indicators are
// at risk, on track and met, each with its tiles (worst first), and a map of
// the children coloured by one indicator.

// kpiStatuses are the statuses the summary counts, worst first.
var kpiStatuses = []string{AtRisk, OnTrack, Met}

type kpi struct {
	Status string
	Count  int
}

// summary is the dashboard's first screen.
type summary struct {
	KPIs []kpi
	// Tiles are the indicators the KPIs count, worst first.
	Tiles []FigView
	// Others counts the indicators the tiles leave out (no data, awaiting).
	Others map[string]int
	Map    *mapView
}

// rank orders statuses worst first.
var rank = map[string]int{AtRisk: 0, OnTrack: 1, Met: 2, NoData: 3, Awaiting: 4}

// relGap is a figure's gap as a share of its 2025 target, so gaps in
// different units compare; nil last.
func relGap(f Figure) float64 {
	if f.Gap == nil {
		return -1e18
	}
	if f.Target == 0 {
		return *f.Gap
	}
	return *f.Gap / f.Target
}

// worstFirst sorts figures by status, then by how far each is from its
// target, then in plan order.
func worstFirst(figs []Figure) []Figure {
	out := append([]Figure(nil), figs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if rank[a.Status] != rank[b.Status] {
			return rank[a.Status] < rank[b.Status]
		}
		return relGap(a) > relGap(b)
	})
	return out
}

func (h *Web) summary(r *http.Request, lang string, t *Table) *summary {
	s := &summary{Others: map[string]int{}}
	byStatus := map[string]*kpi{}
	for _, st := range kpiStatuses {
		s.KPIs = append(s.KPIs, kpi{Status: st})
	}
	for i := range s.KPIs {
		byStatus[s.KPIs[i].Status] = &s.KPIs[i]
	}
	sorted := worstFirst(t.Figures)
	for _, f := range sorted {
		if k, ok := byStatus[f.Status]; ok {
			k.Count++
			s.Tiles = append(s.Tiles, h.figView(lang, f))
		} else {
			s.Others[f.Status]++
		}
	}
	s.Map = h.mapView(r, lang, t, sorted)
	return s
}

// mapView is the children of a division on its map, coloured by one
// indicator, and the children the map has no shape for.
type mapView struct {
	URL, Name string // the map file and the name ECharts registers it under
	Indicator FigView
	Options   []FigView
	Data      string // JSON [{name, code, value}]
	Direction string
	Target    string // the 2025 target, where the colours reach "met"
	Unplaced  []rowView
	Order     string // the table's order, kept when another indicator is picked
}

// mapDir holds one GeoJSON file per division with a map, named by the first
// six digits of its code (131100.json: 衡水市's counties), each feature's id
// the first six digits of a child's code.
const mapDir = "vendor/echarts-china-cities/"

var mapNames sync.Map // file → map[id]name, read once

// mapShapes returns the feature names of a division's map by id, or nil
// when there is no map for it.
func mapShapes(static fs.FS, file string) map[string]string {
	if v, ok := mapNames.Load(file); ok {
		return v.(map[string]string)
	}
	b, err := fs.ReadFile(static, file)
	if err != nil {
		return nil
	}
	var g struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"features"`
	}
	if json.Unmarshal(b, &g) != nil {
		return nil
	}
	names := map[string]string{}
	for _, f := range g.Features {
		if f.ID != "" && f.Properties.Name != "" {
			names[f.ID] = f.Properties.Name
		}
	}
	mapNames.Store(file, names)
	return names
}

type mapPoint struct {
	Name  string   `json:"name"`
	Code  string   `json:"code"`
	Value *float64 `json:"value"`
}

// mapView builds the map for t, coloured by the indicator ?map= names (by
// default the worst one the children have values for); nil without
// children or without a map file for the division.
func (h *Web) mapView(r *http.Request, lang string, t *Table, sorted []Figure) *mapView {
	if len(t.Children) == 0 || h.Srv == nil || h.Srv.Static == nil || len(t.Division.Code) < 6 {
		return nil
	}
	file := mapDir + t.Division.Code[:6] + ".json"
	shapes := mapShapes(h.Srv.Static, file)
	if len(shapes) == 0 {
		return nil
	}
	hasValue := func(ind string) bool {
		for _, c := range t.Children {
			for _, f := range c.Figures {
				if f.Indicator == ind && f.Value != nil {
					return true
				}
			}
		}
		return false
	}
	chosen := ""
	if q := r.URL.Query().Get("map"); q != "" {
		for _, f := range t.Figures {
			if f.Indicator == q {
				chosen = q
			}
		}
	}
	for _, f := range sorted {
		if chosen == "" && hasValue(f.Indicator) {
			chosen = f.Indicator
		}
	}
	if chosen == "" && len(sorted) > 0 {
		chosen = sorted[0].Indicator
	}
	m := &mapView{URL: "/static/" + file, Name: "division-" + t.Division.Code[:6], Order: r.URL.Query().Get("order")}
	for _, f := range t.Figures {
		v := h.figView(lang, f)
		m.Options = append(m.Options, v)
		if f.Indicator == chosen {
			m.Indicator = v
		}
	}
	var def *Def
	for _, f := range t.Figures {
		if f.Indicator == chosen {
			def = h.S.defOf(f)
		}
	}
	m.Direction, m.Target = def.Direction, plain(def.Target)
	points := []mapPoint{}
	for _, c := range t.Children {
		var fig Figure
		for _, f := range c.Figures {
			if f.Indicator == chosen {
				fig = f
			}
		}
		name, ok := shapes[c.Division.Code[:6]]
		if !ok {
			m.Unplaced = append(m.Unplaced, rowView{Division: c.Division, Fig: h.figView(lang, fig)})
			continue
		}
		points = append(points, mapPoint{Name: name, Code: c.Division.Code, Value: round2(fig.Value)})
	}
	m.Data = jsonString(points)
	return m
}
