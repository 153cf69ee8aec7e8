package property

import (
	"testing"
)

func TestCreditCode(t *testing.T) {
	for code, ok := range map[string]bool{
		"91350100M000100Y43": true,
		"91310000717866186P": true,
		"91350100M000100Y42": false, // check character
		"91350100M000100Y4":  false, // length
		"91350100M0001O0Y43": false, // O is not a code character
		"":                   false,
	} {
		if got := ValidCreditCode(code); got != ok {
			t.Errorf("ValidCreditCode(%q) = %v, want %v", code, got, ok)
		}
	}
	if c, ok := CreditCheck("91350100M000100Y4"); !ok || c != '3' {
		t.Errorf("CreditCheck = %q %v", c, ok)
	}
}

func TestPhone(t *testing.T) {
	for s, ok := range map[string]bool{"13800000000": true, "0318-2123456": true, "2123456": true, "12-": false, "-2123456": false, "abc": false, "123": false} {
		if validPhone(s) != ok {
			t.Errorf("validPhone(%q) != %v", s, ok)
		}
	}
}

func f(v float64) *float64 { return &v }

// The documented formula: 0.6 R + 0.4 T − min(20, 2 C), a missing part
// replaced by the other, none without either.
func TestScoreFormula(t *testing.T) {
	cases := []struct {
		name    string
		levels  [6]int64
		counts  RequestCounts
		want    *float64
		r, tpts *float64
	}{
		{name: "nothing", want: nil},
		{name: "ratings only", levels: [6]int64{0, 0, 0, 0, 1, 1}, want: f(90), r: f(90)},
		{name: "a complaint", levels: [6]int64{0, 1, 0, 0, 0, 0}, want: f(18), r: f(20)},
		{name: "requests only", counts: RequestCounts{Total: 4, DueResponse: 4, RespondedOnTime: 4, DueResolution: 4, ResolvedOnTime: 2,
			ValidCallbacks: 2, Satisfied: 2}, want: f(75), tpts: f(75)},
		{name: "both", levels: [6]int64{0, 0, 0, 0, 0, 2}, counts: RequestCounts{Total: 1, DueResponse: 1, RespondedOnTime: 1,
			DueResolution: 1, ResolvedOnTime: 1, ValidCallbacks: 1, Basically: 1}, want: f(0.6*100 + 0.4*(10*100+50*100+40*90)/100)},
		{name: "complaints capped", levels: [6]int64{0, 30, 0, 0, 0, 0}, want: f(0), r: f(20)},
	}
	for _, c := range cases {
		s := PropertyScore{ByLevel: c.levels}
		s.compute(c.counts)
		switch {
		case c.want == nil && s.Score != nil:
			t.Errorf("%s: score %v, want none", c.name, *s.Score)
		case c.want != nil && (s.Score == nil || *s.Score != *c.want):
			t.Errorf("%s: score %v, want %v", c.name, s.Score, *c.want)
		case c.r != nil && (s.RatingPoints == nil || *s.RatingPoints != *c.r):
			t.Errorf("%s: rating points %v, want %v", c.name, s.RatingPoints, *c.r)
		case c.tpts != nil && (s.RequestPoints == nil || *s.RequestPoints != *c.tpts):
			t.Errorf("%s: request points %v, want %v", c.name, s.RequestPoints, *c.tpts)
		}
	}
}

func TestRankScores(t *testing.T) {
	items := []PropertyScore{{Name: "丙"}, {Name: "乙", Score: f(80)}, {Name: "甲", Score: f(90)}, {Name: "丁", Score: f(80)}}
	rankScores(items)
	want := []struct {
		name string
		rank int
	}{{"甲", 1}, {"丁", 2}, {"乙", 2}, {"丙", 0}}
	for i, w := range want {
		if items[i].Name != w.name || items[i].Rank != w.rank {
			t.Errorf("%d: %s rank %d, want %s rank %d", i, items[i].Name, items[i].Rank, w.name, w.rank)
		}
	}
}

func TestCompoundValidate(t *testing.T) {
	c := PropertyCompound{CommunityCode: "131102001045", Name: "锦绣花园", Management: ByCompany, ContractStart: "2025-01-01", ContractEnd: "2024-01-01"}
	bad := c.validate()
	fields := map[string]bool{}
	for _, fe := range bad {
		fields[fe.Field] = true
	}
	if !fields["company_id"] || !fields["contract_end"] || len(bad) != 2 {
		t.Errorf("problems: %+v", bad)
	}
	p := PropertyCompoundPatch{Management: new(string)}
	*p.Management = SelfRun
	self := p.apply(PropertyCompound{CommunityCode: "131102001045", Name: "x", Management: ByCompany, CompanyID: 3, ContractStart: "2025-01-01"})
	if self.CompanyID != 0 || self.ContractStart != "" || len(self.validate()) != 0 {
		t.Errorf("self-managed keeps %+v", self)
	}
}
