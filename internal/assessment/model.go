// Package assessment is the one yearly assessment of communities
// (综合考核评比, plan 四(六)3) that replaces each department's own. A
// county's staff define the scheme of their county for a year (city staff
// may define a city-wide one, which a community uses when its county has
// none): items whose weights sum to 100, each scored either from live data
// (an indicator of the dashboard, the 三率 of 接诉即办, the monthly visit
// rate) through a rule that maps the value to points between 0 and the
// weight, or by hand with evidence. No item can veto the whole (一票否决):
// every item only adds points between 0 and its weight. A community
// self-assesses, its township reviews (hand scores may change with a
// reason; computed items are recomputed and frozen), the county approves
// or returns it; results and ranks are published within the area.
package assessment

import (
	"context"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/errs"
)

// AssessmentScheme states.
const (
	Draft     = "draft"     // being defined
	Open      = "open"      // communities assess themselves
	Published = "published" // results and ranks published
)

// Assessment states.
const (
	SelfAssessing = "draft"
	Submitted     = "submitted"
	Reviewed      = "reviewed"
	Approved      = "approved"
	Returned      = "returned"
)

// Scoring methods and rules.
const (
	Computed = "computed"
	Hand     = "hand"

	Linear = "linear" // floor → 0 points, target → the weight, straight between
	Steps  = "steps"  // value at least v → p% of the weight
)

// Total is what the weights of a scheme sum to.
const Total = 100

// AssessmentMetric is a live figure a computed item may read.
type AssessmentMetric struct {
	Code string `json:"code" doc:"indicator:<code>, requests:<rate>"`
	Zh   string `json:"name_zh"`
	En   string `json:"name_en"`
	Unit string `json:"unit"`
}

// Source reads live figures of a community (adapted in internal/app from
// the indicator engine and the 三率).
type Source interface {
	Metrics() []AssessmentMetric
	// Value is metric's value at a community this year so far; nil when
	// there is nothing to compute it from.
	Value(ctx context.Context, metric, community string, year int) (*float64, error)
}

// AssessmentScheme is a yearly assessment scheme.
type AssessmentScheme struct {
	ID           int64            `json:"id"`
	DivisionCode string           `json:"division_code" doc:"the county (or city) it covers"`
	DivisionName string           `json:"division_name"`
	Year         int              `json:"year"`
	Name         string           `json:"name"`
	State        string           `json:"state" doc:"draft, open or published"`
	CreatedBy    string           `json:"created_by"`
	CreatedAt    time.Time        `json:"created_at"`
	OpenedAt     *time.Time       `json:"opened_at,omitempty"`
	PublishedAt  *time.Time       `json:"published_at,omitempty"`
	Items        []AssessmentItem `json:"items"`
}

// WeightSum is the sum of the items' weights.
func (s *AssessmentScheme) WeightSum() int {
	n := 0
	for _, it := range s.Items {
		n += it.Weight
	}
	return n
}

// AssessmentItem is one item of a scheme.
type AssessmentItem struct {
	ID       int64    `json:"id"`
	Position int      `json:"position"`
	Name     string   `json:"name"`
	Weight   int      `json:"weight" doc:"its points at most; the weights of a scheme sum to 100"`
	Method   string   `json:"scoring" doc:"computed or hand"`
	Metric   string   `json:"metric,omitempty" doc:"computed items: what is read"`
	Rule     string   `json:"rule,omitempty" doc:"computed items: linear or steps"`
	Floor    *float64 `json:"floor,omitempty" doc:"linear: the value that gives 0 points"`
	Target   *float64 `json:"goal,omitempty" doc:"linear: the value that gives the full weight (below the floor when lower is better)"`
	Steps    string   `json:"steps,omitempty" doc:"steps: 'value:percent' pairs, e.g. '60:50;80:100'"`
	Guidance string   `json:"guidance,omitempty" doc:"hand items: what evidence earns the points"`
}

// AssessmentItemInput defines an item.
type AssessmentItemInput struct {
	Name     string   `json:"name" maxLength:"100"`
	Weight   int      `json:"weight"`
	Method   string   `json:"scoring" doc:"computed or hand"`
	Metric   string   `json:"metric,omitempty"`
	Rule     string   `json:"rule,omitempty" doc:"linear or steps; a veto (一票否决) rule is refused"`
	Floor    *float64 `json:"floor,omitempty"`
	Target   *float64 `json:"goal,omitempty"`
	Steps    string   `json:"steps,omitempty" maxLength:"200"`
	Guidance string   `json:"guidance,omitempty" maxLength:"500"`
}

// step is one threshold of a steps rule.
type step struct{ at, pct float64 }

// parseSteps reads "60:50;80:100": at least 60 gives 50% of the weight, at
// least 80 the whole. Thresholds rise, percentages rise and lie in 0…100.
func parseSteps(s string) ([]step, string) {
	var out []step
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == ',' || r == '，' }) {
		a, b, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			a, b, ok = strings.Cut(strings.TrimSpace(part), "：")
		}
		at, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		pct, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if !ok || err1 != nil || err2 != nil || math.IsNaN(at) || math.IsInf(at, 0) {
			return nil, "assessment.steps_format"
		}
		if pct < 0 || pct > 100 || math.IsNaN(pct) {
			return nil, "assessment.steps_percent"
		}
		if n := len(out); n > 0 && (at <= out[n-1].at || pct < out[n-1].pct) {
			return nil, "assessment.steps_order"
		}
		out = append(out, step{at, pct})
	}
	if len(out) == 0 {
		return nil, "assessment.steps_format"
	}
	return out, ""
}

// vetoWords name rules that would decide the whole assessment by one
// item (一票否决): refused with their own message.
var vetoWords = []string{"veto", "zero", "一票否决", "否决", "清零", "归零"}

func isVeto(s string) bool {
	s = strings.ToLower(s)
	for _, w := range vetoWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// check validates an item; metrics are the codes a computed item may read.
func (in *AssessmentItemInput) check(metrics func(string) bool) errs.Fields {
	var f errs.Fields
	in.Name, in.Method, in.Metric = strings.TrimSpace(in.Name), strings.TrimSpace(in.Method), strings.TrimSpace(in.Metric)
	in.Rule, in.Steps, in.Guidance = strings.TrimSpace(in.Rule), strings.TrimSpace(in.Steps), strings.TrimSpace(in.Guidance)
	switch n := len([]rune(in.Name)); {
	case n == 0:
		f.Add("name", "error.required")
	case n > 100:
		f.Add("name", "error.too_long", 100)
	}
	switch {
	case in.Weight > Total:
		f.Add("weight", "assessment.weight_over_total", Total)
	case in.Weight <= 0:
		f.Add("weight", "assessment.weight_positive")
	}
	// A veto is refused however it is put: as the rule, as the scoring, or
	// announced in the item's name or guidance.
	if isVeto(in.Rule) || isVeto(in.Method) {
		f.Add("rule", "assessment.no_veto")
		return f
	}
	if strings.Contains(in.Name+in.Guidance, "否决") {
		f.Add("name", "assessment.no_veto")
	}
	if len([]rune(in.Guidance)) > 500 {
		f.Add("guidance", "error.too_long", 500)
	}
	switch in.Method {
	case Hand:
		in.Metric, in.Rule, in.Floor, in.Target, in.Steps = "", "", nil, nil, ""
	case Computed:
		if in.Metric == "" {
			f.Add("metric", "error.required")
		} else if !metrics(in.Metric) {
			f.Add("metric", "assessment.unknown_metric", in.Metric)
		}
		switch in.Rule {
		case Linear:
			in.Steps = ""
			switch {
			case in.Floor == nil:
				f.Add("floor", "error.required")
			case in.Target == nil:
				f.Add("goal", "error.required")
			case *in.Floor == *in.Target:
				f.Add("goal", "assessment.target_equals_floor")
			}
		case Steps:
			in.Floor, in.Target = nil, nil
			if _, bad := parseSteps(in.Steps); bad != "" {
				f.Add("steps", bad)
			}
		case "":
			f.Add("rule", "error.required")
		default:
			f.Add("rule", "error.one_of", "linear, steps")
		}
	case "":
		f.Add("scoring", "error.required")
	default:
		f.Add("scoring", "error.one_of", "computed, hand")
	}
	return f
}

// Points maps a computed item's value to its points, between 0 and the
// weight; no value gives 0.
func (it *AssessmentItem) Points(v *float64) float64 {
	if v == nil || math.IsNaN(*v) {
		return 0
	}
	share := 0.0
	switch it.Rule {
	case Linear:
		if it.Floor != nil && it.Target != nil && *it.Target != *it.Floor {
			share = (*v - *it.Floor) / (*it.Target - *it.Floor)
		}
	case Steps:
		steps, _ := parseSteps(it.Steps)
		for _, s := range steps {
			if *v >= s.at {
				share = s.pct / 100
			}
		}
	}
	return round2(float64(it.Weight) * math.Max(0, math.Min(1, share)))
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// AssessmentSchemeInput creates a scheme, with its items at once (the API) or
// none (the form adds them one by one).
type AssessmentSchemeInput struct {
	DivisionCode string                `json:"division_code,omitempty" doc:"the county or city it covers; the caller's area by default"`
	Year         int                   `json:"year" minimum:"2000" maximum:"2100"`
	Name         string                `json:"name" maxLength:"100"`
	Items        []AssessmentItemInput `json:"items,omitempty" doc:"when given, their weights must sum to 100"`
}

// Assessment is one community's assessment of a year.
type Assessment struct {
	ID            int64             `json:"id"`
	SchemeID      int64             `json:"scheme_id"`
	SchemeName    string            `json:"scheme_name"`
	Year          int               `json:"year"`
	CommunityCode string            `json:"community_code"`
	CommunityName string            `json:"community_name"`
	State         string            `json:"state" doc:"draft (self-assessing), submitted, reviewed, approved or returned"`
	Total         *float64          `json:"total" doc:"frozen at review; the sum of the items' points, 0 to 100"`
	Submitter     string            `json:"submitter"`
	SubmittedAt   *time.Time        `json:"submitted_at,omitempty"`
	Reviewer      string            `json:"reviewer"`
	ReviewedAt    *time.Time        `json:"reviewed_at,omitempty"`
	Approver      string            `json:"approver"`
	ApprovedAt    *time.Time        `json:"approved_at,omitempty"`
	ReturnReason  string            `json:"return_reason,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	Scores        []AssessmentScore `json:"scores,omitempty"`
	Live          float64           `json:"live_total" doc:"the sum of the points as of now (computed items live until review)"`
	submittedBy   int64
	reviewedBy    int64
}

// AssessmentScore is how one item's points were made.
type AssessmentScore struct {
	Item       AssessmentItem `json:"item"`
	Value      *float64       `json:"value" doc:"computed items: the value read (frozen at review)"`
	SelfPoints *float64       `json:"self_points" doc:"hand items: the community's own score"`
	Points     *float64       `json:"points"`
	Note       string         `json:"note"`
	Reason     string         `json:"reason,omitempty" doc:"why the township changed the community's score"`
	ScoredBy   string         `json:"scored_by"`
	Frozen     bool           `json:"frozen" doc:"computed items: frozen at review"`
	Evidence   []int64        `json:"evidence" doc:"ids of evidence images"`
}

// AssessmentHandInput scores a hand item.
type AssessmentHandInput struct {
	Points float64 `json:"points"`
	Note   string  `json:"note,omitempty" maxLength:"1000"`
	Reason string  `json:"change_reason,omitempty" maxLength:"500" doc:"the township's reason when it changes the community's score"`
}

// Filter selects assessments.
type Filter struct {
	Year          int
	SchemeID      int64
	State         string
	Q             string // part of the community's name
	Page, PerPage int
}

// AssessmentRankRow is one community in a ranking.
type AssessmentRankRow struct {
	Rank          int     `json:"rank"`
	AssessmentID  int64   `json:"assessment_id"`
	CommunityCode string  `json:"community_code"`
	CommunityName string  `json:"community_name"`
	Total         float64 `json:"total"`
}

// AssessmentRanking is the approved assessments of an area's communities, best first.
type AssessmentRanking struct {
	Scheme       *AssessmentScheme   `json:"-"`
	SchemeID     int64               `json:"scheme_id"`
	DivisionCode string              `json:"division_code"`
	Published    bool                `json:"published"`
	Rows         []AssessmentRankRow `json:"rows"`
}

// rankRows sorts rows by total (best first) and ranks them, equal totals
// sharing a rank (1, 2, 2, 4).
func rankRows(rows []AssessmentRankRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Total != rows[j].Total {
			return rows[i].Total > rows[j].Total
		}
		return rows[i].CommunityCode < rows[j].CommunityCode
	})
	for i := range rows {
		rows[i].Rank = i + 1
		if i > 0 && rows[i].Total == rows[i-1].Total {
			rows[i].Rank = rows[i-1].Rank
		}
	}
}

var states = []string{SelfAssessing, Submitted, Reviewed, Approved, Returned}

func validState(s string) bool { return s == "" || slices.Contains(states, s) }
