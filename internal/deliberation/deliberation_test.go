package deliberation_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/deliberation"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

func ctxOf(id int64, role auth.Role, area string, level int) context.Context {
	return auth.With(context.Background(), &auth.Principal{UserID: id, Name: fmt.Sprintf("%s-%s-%d", role, area, id), DisplayName: fmt.Sprintf("工作人员%d", id),
		Role: role, Area: auth.AreaOf(area, level)})
}

// resident makes a resident account of a community (verified or not) and
// returns a context acting as it.
func resident(t *testing.T, e *apptest.Env, name, community string, verified bool) (int64, context.Context) {
	t.Helper()
	login := fmt.Sprintf("res-%s-%d", community[9:], time.Now().UnixNano()%1000000)
	id := e.VerifiedResident(login, name, community, verified)
	return id, auth.With(context.Background(), &auth.Principal{UserID: id, Name: login, DisplayName: name, Role: auth.Resident,
		Area: auth.AreaOf(community, 5)})
}

func code(err error) string { return errs.Code(err) }

func field(err error) map[string]string {
	out := map[string]string{}
	if e := errs.As(err); e != nil {
		for _, f := range e.Fields {
			out[f.Field] = f.Key
		}
	}
	return out
}

func n(v int64) *int64 { return &v }

// The rules' arithmetic is exact at the boundaries: "more than half" is
// not reached by exactly half, "two thirds or more" is reached by exactly
// two thirds.
func TestRuleArithmeticAtTheBoundaries(t *testing.T) {
	half := deliberation.Rule{QuorumNum: 1, QuorumDen: 2, QuorumStrict: true, MajorityNum: 1, MajorityDen: 2, MajorityStrict: true}
	twoThirds := deliberation.Rule{QuorumNum: 2, QuorumDen: 3, QuorumStrict: false, MajorityNum: 1, MajorityDen: 2, MajorityStrict: true}
	for _, c := range []struct {
		r           deliberation.Rule
		present, of int64
		quorate     bool
	}{
		{half, 5, 10, false}, {half, 6, 10, true}, {half, 4, 9, false}, {half, 5, 9, true}, {half, 0, 0, false}, {half, 1, 1, true},
		{twoThirds, 6, 9, true}, {twoThirds, 5, 9, false}, {twoThirds, 7, 10, true}, {twoThirds, 6, 10, false},
		{twoThirds, 2000, 3000, true}, {twoThirds, 1999, 3000, false},
	} {
		if got := c.r.Quorate(c.present, c.of); got != c.quorate {
			t.Errorf("%+v: %d of %d quorate = %v", c.r, c.present, c.of, got)
		}
	}
	for _, c := range []struct{ of, needed int64 }{{10, 6}, {9, 5}, {1, 1}, {3001, 1501}} {
		if got := half.Needed(c.of); got != c.needed {
			t.Errorf("more than half of %d needs %d, got %d", c.of, c.needed, got)
		}
	}
	for _, c := range []struct{ of, needed int64 }{{9, 6}, {10, 7}, {3, 2}, {3000, 2000}} {
		if got := twoThirds.Needed(c.of); got != c.needed {
			t.Errorf("two thirds of %d needs %d, got %d", c.of, c.needed, got)
		}
	}
	if half.Passes(5, 10) || !half.Passes(6, 10) || half.Passes(0, 0) || !half.Passes(3, 5) {
		t.Error("majority: more than half of those present")
	}
}

// The law's defaults are seeded; city staff change a rule with a reason,
// audited; others may not.
func TestSeededRulesAndTheirChange(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Deliberation
	city := ctxOf(1, auth.CityStaff, apptest.City, 2)
	rules, err := s.Rules(city)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"assembly/rural/adults": "1/2>", "assembly/rural/households": "2/3>=", "representatives/rural/representatives": "2/3>=",
		"assembly/urban/adults": "1/2>", "assembly/urban/group_representatives": "1/2>"}
	for _, r := range rules {
		k := r.MeetingKind + "/" + r.CommunityKind + "/" + r.Basis
		op := ">="
		if r.QuorumStrict {
			op = ">"
		}
		if w, ok := want[k]; ok {
			if got := fmt.Sprintf("%d/%d%s", r.QuorumNum, r.QuorumDen, op); got != w || r.MajorityNum != 1 || r.MajorityDen != 2 || !r.MajorityStrict {
				t.Errorf("%s: %s, want %s (majority more than half)", k, got, w)
			}
			delete(want, k)
		}
	}
	if len(want) > 0 {
		t.Fatalf("rules not seeded: %v", want)
	}
	if _, err := s.UpdateRule(ctxOf(2, auth.CountyStaff, apptest.County, 3), "consultation", "urban", "invited", deliberation.RulePatch{QuorumNum: n(1), Reason: "x"}); code(err) != errs.EFORBIDDEN {
		t.Fatalf("county staff changed a rule: %v", err)
	}
	if _, err := s.UpdateRule(city, "consultation", "urban", "invited", deliberation.RulePatch{QuorumNum: n(1)}); field(err)["reason"] != "error.required" {
		t.Fatalf("no reason: %v", err)
	}
	if _, err := s.UpdateRule(city, "consultation", "urban", "invited", deliberation.RulePatch{QuorumNum: n(3), Reason: "议事规则修订"}); field(err)["quorum_num"] == "" {
		t.Fatalf("3/1: %v", err)
	}
	r, err := s.UpdateRule(city, "consultation", "urban", "invited", deliberation.RulePatch{QuorumNum: n(1), QuorumDen: n(2), Reason: "议事规则修订"})
	if err != nil || r.QuorumNum != 1 || r.QuorumDen != 2 || r.Version != 2 {
		t.Fatalf("change: %v %+v", err, r)
	}
	recs, _, _ := e.App.Audit.Search(e.Ctx, audit.Filter{Action: "deliberation.rule.update"})
	if len(recs) != 1 {
		t.Fatalf("rule change audited %d times", len(recs))
	}
}

// A meeting short of quorum cannot decide: the vote is refused with the
// figures, over the API; one more person signed in and it may.
func TestShortOfQuorumCannotDecide(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	worker := e.Token(auth.CommunityWorker, apptest.Community)
	township := e.Token(auth.TownshipStaff, apptest.Township)
	res := e.API("POST", "/api/v1/topics", worker, map[string]any{"division_code": apptest.Community, "title": "加装电梯", "body": "3号楼加装电梯的费用分摊"})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("raise: %d %s", res.StatusCode, res.Body)
	}
	var topic deliberation.Topic
	res.JSON(t, &topic)
	if res := e.API("POST", fmt.Sprintf("/api/v1/topics/%d/review", topic.ID), worker, map[string]any{"decision": "admit", "plan": "开居民会议"}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("the proposer reviewed their own topic: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", fmt.Sprintf("/api/v1/topics/%d/review", topic.ID), township, map[string]any{"decision": "admit", "plan": "开居民会议"}); res.StatusCode != http.StatusOK {
		t.Fatalf("admit: %d %s", res.StatusCode, res.Body)
	}
	meeting := map[string]any{"topic_id": topic.ID, "kind": "assembly", "mode": "offline", "title": "居民会议", "starts_at": "2026-12-06T01:00:00Z",
		"chair": "张书记", "electorate": 4}
	if res := e.API("POST", "/api/v1/meetings", worker, meeting); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "reason") {
		t.Fatalf("an electorate unlike the registry's without a reason: %d %s", res.StatusCode, res.Body)
	}
	meeting["reason"] = "按楼栋户籍登记的成年居民"
	res = e.API("POST", "/api/v1/meetings", worker, meeting)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("plan: %d %s", res.StatusCode, res.Body)
	}
	var m deliberation.Meeting
	res.JSON(t, &m)
	if m.Electorate != 4 || m.Needed != 3 || m.Quorate || m.Rule == nil || !m.Rule.QuorumStrict {
		t.Fatalf("meeting: %+v", m)
	}
	for _, name := range []string{"王大爷", "李阿姨"} {
		if res := e.API("POST", fmt.Sprintf("/api/v1/meetings/%d/attendance", m.ID), worker, map[string]any{"name": name}); res.StatusCode != http.StatusCreated {
			t.Fatalf("attend %s: %d %s", name, res.StatusCode, res.Body)
		}
	}
	// Exactly half present: no quorum, the vote is refused with the figures.
	res = e.API("POST", fmt.Sprintf("/api/v1/meetings/%d/votes", m.ID), worker, map[string]any{"motion": "同意加装", "secret": true})
	if res.StatusCode != http.StatusConflict || !strings.Contains(string(res.Body), "到会 2 人，未达到法定人数 3 人（应到 4 人）") {
		t.Fatalf("vote short of quorum: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", fmt.Sprintf("/api/v1/meetings/%d/attendance", m.ID), worker, map[string]any{"name": "赵叔"}); res.StatusCode != http.StatusCreated {
		t.Fatalf("attend: %d %s", res.StatusCode, res.Body)
	}
	res = e.API("POST", fmt.Sprintf("/api/v1/meetings/%d/votes", m.ID), worker, map[string]any{"motion": "同意加装", "secret": true})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("vote with quorum: %d %s", res.StatusCode, res.Body)
	}
	var r deliberation.Result
	res.JSON(t, &r)
	// The electorate grows (with a reason): short of quorum again, so the
	// vote cannot be closed, and no decision can rest on it.
	if res := e.API("PUT", fmt.Sprintf("/api/v1/meetings/%d/electorate", m.ID), worker, map[string]any{"electorate": 10, "reason": "补录成年居民"}); res.StatusCode != http.StatusOK {
		t.Fatalf("electorate: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", fmt.Sprintf("/api/v1/votes/%d/close", r.Vote.ID), worker, nil); res.StatusCode != http.StatusConflict {
		t.Fatalf("close short of quorum: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", fmt.Sprintf("/api/v1/meetings/%d/decisions", m.ID), worker, map[string]any{"vote_id": r.Vote.ID, "title": "决定", "body": "加装"}); res.StatusCode != http.StatusConflict {
		t.Fatalf("decision on an open vote: %d %s", res.StatusCode, res.Body)
	}
	recs, _, _ := e.App.Audit.Search(e.Ctx, audit.Filter{Action: "deliberation.meeting.electorate"})
	if len(recs) != 1 {
		t.Fatalf("electorate change audited %d times", len(recs))
	}
}

// A secret vote online and on paper: residents sign in with the rotating
// code and vote once; a worker enters a paper tally with a witness; the
// choices are stored without the voters; the decision is published and
// objected to; the roster counts the chair.
func TestSecretVoteFromTopicToDecision(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Deliberation
	worker := ctxOf(0, auth.CommunityWorker, apptest.Community, 5)
	{
		// a worker account that exists, for the witness
		e.User(auth.GridWorker, apptest.Community)
	}
	aID, a := resident(t, e, "甲", apptest.Community, true)
	_, b := resident(t, e, "乙", apptest.Community, true)
	_, c := resident(t, e, "丙", apptest.Community, true)
	_, unverified := resident(t, e, "丁", apptest.Community, false)
	_, far := resident(t, e, "戊", apptest.SiblingCommunity, true)

	if _, err := s.RaiseTopic(unverified, deliberation.TopicInput{Title: "x", Body: "y"}); code(err) != errs.EFORBIDDEN {
		t.Fatalf("an unverified resident raised a topic: %v", err)
	}
	topic, err := s.RaiseTopic(a, deliberation.TopicInput{Title: "小区停车难", Body: "晚上车位不够", SourceKind: "need", SourceRef: "12"})
	if err != nil || topic.DivisionCode != apptest.Community || topic.SourceKind != "need" || topic.ProposerName != "甲" {
		t.Fatalf("raise: %v %+v", err, topic)
	}
	if _, err := s.Topic(far, topic.ID); code(err) != errs.ENOTFOUND {
		t.Fatalf("a resident of another community read it: %v", err)
	}
	if _, err := s.ReviewTopic(worker, topic.ID, deliberation.Review{Decision: "decline"}); field(err)["reason"] != "error.required" {
		t.Fatalf("decline without a reason: %v", err)
	}
	if _, err := s.ReviewTopic(ctxOf(0, auth.CommunityWorker, apptest.SiblingCommunity, 5), topic.ID, deliberation.Review{Decision: "admit", Plan: "p"}); code(err) != errs.ENOTFOUND {
		t.Fatalf("a sibling's worker reviewed it: %v", err)
	}
	if topic, err = s.ReviewTopic(worker, topic.ID, deliberation.Review{Decision: "admit", Plan: "召开居民会议表决"}); err != nil || topic.Status != deliberation.Admitted {
		t.Fatalf("admit: %v %+v", err, topic)
	}
	var inbox int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM notify_inbox WHERE user_id = $1`, aID).Scan(&inbox); err != nil || inbox != 1 {
		t.Fatalf("the proposer's inbox: %d %v", inbox, err)
	}
	m, err := s.PlanMeeting(worker, deliberation.MeetingInput{TopicID: topic.ID, Kind: "assembly", Mode: "both", Title: "停车问题居民会议",
		StartsAt: time.Now(), Chair: "张书记", Facilitator: "刘调解员", Electorate: n(6), Reason: "本楼栋成年居民"})
	if err != nil || m.Electorate != 6 || m.Needed != 4 {
		t.Fatalf("plan: %v %+v", err, m)
	}
	sc, err := s.SignInCode(worker, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(a, m.ID, "WRONG234"); field(err)["code"] != "deliberation.code_invalid" {
		t.Fatalf("a wrong code: %v", err)
	}
	if _, err := s.SignIn(far, m.ID, sc.Code); code(err) != errs.ENOTFOUND {
		t.Fatalf("another community's resident signed in: %v", err)
	}
	for _, r := range []context.Context{a, b, c, a} {
		if _, err := s.SignIn(r, m.ID, strings.ToLower(sc.Code)); err != nil {
			t.Fatalf("sign in: %v", err)
		}
	}
	if _, err := s.RecordAttendance(worker, m.ID, deliberation.AttendeeInput{Name: "孙奶奶"}); err != nil {
		t.Fatal(err)
	}
	if m, err = s.Meeting(worker, m.ID); err != nil || m.Present != 4 || !m.Quorate {
		t.Fatalf("present: %v %+v", err, m)
	}
	r, err := s.OpenVote(worker, m.ID, deliberation.VoteInput{Motion: "同意夜间开放学校操场停车", Secret: true})
	if err != nil {
		t.Fatal(err)
	}
	v := r.Vote.ID
	for _, x := range []struct {
		ctx    context.Context
		choice string
	}{{a, "yes"}, {b, "no"}, {c, "yes"}} {
		if err := s.Cast(x.ctx, v, x.choice); err != nil {
			t.Fatalf("cast: %v", err)
		}
	}
	if err := s.Cast(a, v, "no"); code(err) != errs.ECONFLICT {
		t.Fatalf("a second vote: %v", err)
	}
	if err := s.Cast(unverified, v, "yes"); code(err) != errs.EFORBIDDEN {
		t.Fatalf("an unverified resident voted: %v", err)
	}
	if _, err := s.EnterTally(worker, v, deliberation.TallyInput{Yes: 1}); field(err)["witness"] != "deliberation.witness_required" {
		t.Fatalf("a tally without a witness: %v", err)
	}
	if _, err := s.EnterTally(worker, v, deliberation.TallyInput{Yes: 2, Witness: "钱监票"}); field(err)["yes"] != "deliberation.more_than_present" {
		t.Fatalf("more ballots than present: %v", err)
	}
	if _, err := s.EnterTally(worker, v, deliberation.TallyInput{Yes: 1, WitnessAccount: "nobody"}); field(err)["witness_account"] != "deliberation.witness_not_staff" {
		t.Fatalf("an unknown witness account: %v", err)
	}
	if r, err = s.EnterTally(worker, v, deliberation.TallyInput{Yes: 1, WitnessAccount: apptest.Name(auth.GridWorker, apptest.Community)}); err != nil || len(r.Tallies) != 1 {
		t.Fatalf("tally: %v %+v", err, r)
	}
	if r, err = s.CloseVote(worker, v); err != nil || r.Yes != 3 || r.No != 1 || r.Present != 4 || !r.Quorate || !r.Passed || len(r.Ballots) != 0 {
		t.Fatalf("close: %v %+v", err, r)
	}
	var named, voters int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM delib_ballots WHERE vote_id = $1 AND person <> ''`, v).Scan(&named); err != nil || named != 0 {
		t.Fatalf("a secret ballot stored who voted how: %d %v", named, err)
	}
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM delib_voters WHERE vote_id = $1`, v).Scan(&voters); err != nil || voters != 3 {
		t.Fatalf("voters: %d %v", voters, err)
	}
	x, err := s.Publish(worker, m.ID, deliberation.DecisionInput{VoteID: v, Title: "夜间开放操场停车", Body: "自下周一起，晚8点至早7点开放。"})
	if err != nil || !x.Shown || x.ShownUntil <= x.ShownFrom {
		t.Fatalf("publish: %v %+v", err, x)
	}
	pub, _, err := s.Published(context.Background(), apptest.Community, 1, 20)
	if err != nil || len(pub) != 1 || pub[0].ID != x.ID {
		t.Fatalf("published: %v %+v", err, pub)
	}
	if _, err := s.Object(far, x.ID, "反对"); code(err) != errs.ENOTFOUND {
		t.Fatalf("another community's resident objected: %v", err)
	}
	o, err := s.Object(b, x.ID, "噪音扰民")
	if err != nil {
		t.Fatal(err)
	}
	if os, err := s.Objections(a, x.ID); err != nil || len(os) != 0 {
		t.Fatalf("a resident sees another's objection: %v %+v", err, os)
	}
	if o, err = s.Answer(worker, o.ID, "已安排保安巡查"); err != nil || o.Answer == "" {
		t.Fatalf("answer: %v %+v", err, o)
	}
	// The app wires the three lists: the decision starts a proposed 民生项目
	// that carries it, once.
	started, err := s.StartProject(worker, x.ID)
	if err != nil || started.ProjectID == 0 {
		t.Fatalf("start a project: %v %+v", err, started)
	}
	if p, err := e.App.Projects.Project(worker, started.ProjectID); err != nil || p.DecisionID != x.ID || p.Status != "proposed" || p.DivisionCode != x.DivisionCode {
		t.Fatalf("the project the decision started: %v %+v", err, p)
	}
	if _, err := s.StartProject(worker, x.ID); code(err) != errs.ECONFLICT {
		t.Fatalf("a second project from one decision: %v", err)
	}
	roster, err := s.Roster(ctxOf(0, auth.TownshipStaff, apptest.Township, 4), "")
	if err != nil || len(roster) != 2 || roster[0].Chaired+roster[1].Chaired != 1 || roster[0].Facilitated+roster[1].Facilitated != 1 || roster[0].Last == "" {
		t.Fatalf("roster: %v %+v", err, roster)
	}
	if _, err := s.Meeting(ctxOf(0, auth.CommunityWorker, apptest.SiblingCommunity, 5), m.ID); code(err) != errs.ENOTFOUND {
		t.Fatalf("a sibling's worker read the meeting: %v", err)
	}
	recs, _, _ := e.App.Audit.Search(e.Ctx, audit.Filter{Action: "deliberation.meeting.read", Result: audit.Denied})
	if len(recs) != 1 {
		t.Fatalf("the refusal audited %d times", len(recs))
	}
}

// A photo of the minutes is checked and re-encoded, kept with the meeting
// and shown only to those who may read the meeting.
func TestMinutesPhotos(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Deliberation
	worker := ctxOf(0, auth.CommunityWorker, apptest.Community, 5)
	topic, err := s.RaiseTopic(worker, deliberation.TopicInput{DivisionCode: apptest.Community, Title: "议题", Body: "内容"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReviewTopic(e.Ctx, topic.ID, deliberation.Review{Decision: "admit", Plan: "开会"}); err != nil {
		t.Fatal(err)
	}
	m, err := s.PlanMeeting(worker, deliberation.MeetingInput{TopicID: topic.ID, Kind: "consultation", Mode: "offline", Title: "协商会", StartsAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := deliberation.Photos.Check(bytes.NewReader(apptest.PNG(t, 40, 30)), "photo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPhoto(ctxOf(0, auth.CommunityWorker, apptest.SiblingCommunity, 5), m.ID, f); code(err) != errs.ENOTFOUND {
		t.Fatalf("a sibling's worker added a photo: %v", err)
	}
	ids, err := s.AddPhoto(worker, m.ID, f)
	if err != nil || len(ids) != 1 {
		t.Fatalf("add: %v %v", err, ids)
	}
	_, res := resident(t, e, "甲", apptest.Community, true)
	if b, err := s.Photo(res, m.ID, ids[0]); err != nil || b.Type != "image/png" {
		t.Fatalf("a resident of the community: %v", err)
	}
	_, far := resident(t, e, "乙", apptest.SiblingCommunity, true)
	if _, err := s.Photo(far, m.ID, ids[0]); code(err) != errs.ENOTFOUND {
		t.Fatalf("a resident elsewhere: %v", err)
	}
	if _, err := s.Photo(res, m.ID, ids[0]+1); code(err) != errs.ENOTFOUND {
		t.Fatalf("a blob not of the meeting: %v", err)
	}
}

// A topic merges only into another live topic of its own community; the
// proposer is told which.
func TestMergeTopic(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Deliberation
	worker := ctxOf(0, auth.CommunityWorker, apptest.Community, 5)
	township := ctxOf(0, auth.TownshipStaff, apptest.Township, 4)
	raise := func(code, title string) *deliberation.Topic {
		t.Helper()
		x, err := s.RaiseTopic(township, deliberation.TopicInput{DivisionCode: code, Title: title, Body: "内容"})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	a, b, other := raise(apptest.Community, "停车难"), raise(apptest.Community, "车位不足"), raise(apptest.SiblingCommunity, "停车")
	for _, into := range []int64{0, b.ID, other.ID} {
		if _, err := s.ReviewTopic(worker, b.ID, deliberation.Review{Decision: "merge", MergeInto: into}); field(err)["merge_into"] != "deliberation.merge_target" {
			t.Fatalf("merge into %d: %v", into, err)
		}
	}
	got, err := s.ReviewTopic(worker, b.ID, deliberation.Review{Decision: "merge", MergeInto: a.ID, Reason: "同一事项"})
	if err != nil || got.Status != deliberation.Merged || got.MergedInto != a.ID {
		t.Fatalf("merge: %v %+v", err, got)
	}
	if _, err := s.ReviewTopic(worker, b.ID, deliberation.Review{Decision: "admit", Plan: "p"}); code(err) != errs.ECONFLICT {
		t.Fatalf("a merged topic reviewed again: %v", err)
	}
}

// The topics' and decisions' exports hold the caller's area's rows.
func TestExports(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Deliberation
	township := ctxOf(0, auth.TownshipStaff, apptest.Township, 4)
	for _, c := range []string{apptest.Community, apptest.FarCommunity} {
		if _, err := s.RaiseTopic(e.Ctx, deliberation.TopicInput{DivisionCode: c, Title: "议题" + c, Body: "内容"}); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := s.ExportTopics(township, deliberation.TopicFilter{}, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(rows) != 2 || rows[1][2] != "议题"+apptest.Community || rows[1][6] != "待审核" {
		t.Fatalf("topics export: %v %q", err, rows)
	}
	buf.Reset()
	if err := s.ExportDecisions(township, "", &buf); err != nil {
		t.Fatal(err)
	}
	if f, err = excelize.OpenReader(&buf); err != nil {
		t.Fatal(err)
	}
	if rows, err = f.GetRows(f.GetSheetName(0)); err != nil || len(rows) != 1 {
		t.Fatalf("decisions export (header only): %v %q", err, rows)
	}
}
