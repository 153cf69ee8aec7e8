package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/deliberation"
	"shequ/internal/platform/auth"
)

// TestDeliberationJourney: on a 360 px phone a verified resident raises a
// topic from a need; a community worker admits it and plans a 居民会议;
// the resident signs in with the meeting's rotating code (another online,
// an elderly neighbour recorded by the worker), so the meeting reaches its
// quorum; a secret vote passes with votes online and a paper tally the
// worker enters with a witness; the decision is published (公示), becomes a
// 民生项目 that the worker starts and the township accepts, a visitor reads
// the decision and the resident rates the project. axe finds nothing on any
// page reached.
func TestDeliberationJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Deliberation
	e.VerifiedResident("res-jia", "甲居民", apptest.Community, true)
	yiID := e.VerifiedResident("res-yi", "乙居民", apptest.Community, true)
	yi := auth.With(context.Background(), &auth.Principal{UserID: yiID, Name: "res-yi", Role: auth.Resident, Area: auth.AreaOf(apptest.Community, 5)})
	staff := auth.With(context.Background(), &auth.Principal{Name: "e2e", Role: auth.CommunityWorker, Area: auth.AreaOf(apptest.Community, 5)})
	worker := e.User(auth.CommunityWorker, apptest.Community)
	b := newBrowser(t, e.URL, 360, 740, chromedp.EmulateMobile)

	// The resident raises a topic from a need (a link other slices make).
	b.login("res-jia", apptest.Password)
	b.open("/topics/new?source=need&ref=12")
	b.checkFits("new topic")
	b.navigate("raise a topic",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "小区夜间停车难"),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "晚上八点后车位不够，建议夜间开放学校操场停车。"),
		chromedp.Click(chromedp.CSS("#raise-topic")),
	)
	if got := b.text("#topic-status"); got != "待审核" {
		t.Fatalf("the new topic's status: %q", got)
	}
	topicPath := b.path()
	b.signOut()

	// The worker admits it and plans a residents' assembly.
	b.login(worker, apptest.Password)
	b.open(topicPath)
	b.navigate("admit",
		chromedp.SendKeys(chromedp.CSS("#f-plan"), "召开居民会议表决"),
		chromedp.Click(chromedp.CSS("#review-submit")),
	)
	if got := b.text("#topic-status"); got != "已立项" {
		t.Fatalf("after admitting: %q", got)
	}
	b.navigate("plan a meeting",
		chromedp.SetValue(chromedp.CSS("#m-kind"), "assembly"),
		chromedp.SetValue(chromedp.CSS("#m-mode"), "both"),
		chromedp.SendKeys(chromedp.CSS("#m-electorate"), "4"),
		chromedp.SendKeys(chromedp.CSS("#m-reason"), "3号楼成年居民"),
		chromedp.SendKeys(chromedp.CSS("#m-place"), "社区党群服务中心"),
		chromedp.SendKeys(chromedp.CSS("#m-chair"), "张书记"),
		chromedp.Click(chromedp.CSS("#plan-meeting")),
	)
	meetingPath := b.path()
	if !strings.HasPrefix(meetingPath, "/meetings/") {
		t.Fatalf("after planning: at %s", meetingPath)
	}
	b.checkFits("meeting, worker")
	b.navigate("record an attendee without a phone",
		chromedp.SendKeys(chromedp.CSS("#a-name"), "孙奶奶"),
		chromedp.Click(chromedp.CSS("#attend-submit")),
	)
	if got := b.text("#quorum"); !strings.Contains(got, "未达到法定人数") {
		t.Fatalf("one of four present: %q", got)
	}
	b.signOut()
	ms, _, err := s.Meetings(staff, "", 0, 1, 1)
	if err != nil || len(ms) != 1 {
		t.Fatalf("meetings: %v %+v", err, ms)
	}
	m := ms[0]

	// Two residents sign in with the code on the screen: one on this phone, one elsewhere.
	code, err := s.SignInCode(staff, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(yi, m.ID, code.Code); err != nil {
		t.Fatal(err)
	}
	b.login("res-jia", apptest.Password)
	b.open(meetingPath)
	b.navigate("sign in with the code",
		chromedp.SendKeys(chromedp.CSS("#s-code"), code.Code),
		chromedp.Click(chromedp.CSS("#signin-submit")),
	)
	if got := b.text("#quorum"); !strings.Contains(got, "已达到法定人数") {
		t.Fatalf("three of four present: %q", got)
	}
	r, err := s.OpenVote(staff, m.ID, deliberation.VoteInput{Motion: "同意夜间开放学校操场停车", Secret: true})
	if err != nil {
		t.Fatal(err)
	}
	b.open(meetingPath)
	b.checkFits("meeting, resident voting")
	b.navigate("vote online", chromedp.Click(chromedp.CSS(".cast")))
	if err := s.Cast(yi, r.Vote.ID, deliberation.No); err != nil {
		t.Fatal(err)
	}
	b.signOut()

	// The worker enters the paper ballot with a witness, closes the vote and publishes the decision.
	b.login(worker, apptest.Password)
	b.open(meetingPath)
	b.navigate("paper tally",
		chromedp.SetValue(chromedp.CSS(`input[name="yes"]`), "1"),
		chromedp.SendKeys(chromedp.CSS(`input[name="witness"]`), "钱监票"),
		chromedp.Click(chromedp.CSS(".tally-submit")),
	)
	b.navigate("close the vote", chromedp.Click(chromedp.CSS(".close-vote")))
	if got := b.text(".outcome"); got != "通过" {
		t.Fatalf("the outcome: %q (%s)", got, b.text(".result"))
	}
	b.navigate("publish",
		chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "自下周一起，晚8点至早7点开放学校操场停车。"),
		chromedp.Click(chromedp.CSS(".publish-submit")),
	)
	if got := b.text("#decisions"); !strings.Contains(got, "同意夜间开放学校操场停车") {
		t.Fatalf("the meeting's decisions: %q", got)
	}
	// The decision becomes a 民生项目, which the worker starts with its owner and budget.
	b.navigate("open the decision", chromedp.Click(chromedp.CSS("#decisions a")))
	decisionPath := b.path()
	b.navigate("start a project", chromedp.Click(chromedp.CSS("#start-project")))
	projectPath := b.path()
	if !strings.HasPrefix(projectPath, "/projects/") || b.text("#project-status") != "已提议" {
		t.Fatalf("after starting a project: at %s, %q", projectPath, b.text("#project-status"))
	}
	b.navigate("start it",
		chromedp.SendKeys(chromedp.CSS("#s-owner"), "衡水市某物业服务有限公司"),
		chromedp.SetValue(chromedp.CSS("#s-funding"), "collective"),
		chromedp.SendKeys(chromedp.CSS("#s-budget"), "3000"),
		chromedp.Click(chromedp.CSS("#start-form button")),
	)
	if got := b.text("#project-status"); got != "实施中" {
		t.Fatalf("the started project: %q", got)
	}
	b.signOut()

	// A visitor reads the published decision.
	b.open("/communities/" + apptest.Community + "/decisions")
	b.checkFits("published decisions, visitor")
	b.navigate("open the decision", chromedp.Click(chromedp.CSS("#decision-list a")))
	if got := b.text("#decision-body"); !strings.Contains(got, "学校操场") {
		t.Fatalf("the decision's text: %q", got)
	}
	// The township accepts the finished project (not whoever ran it) and
	// the resident who raised the topic rates it from the decision's page.
	b.login(e.User(auth.TownshipStaff, apptest.Township), apptest.Password)
	b.open(projectPath)
	b.do("acceptance note", chromedp.SendKeys(chromedp.CSS("#a-note"), "操场夜间停车已开放，验收合格"))
	b.navigate("accept", chromedp.Click(chromedp.CSS("#accept-project")))
	if got := b.text("#project-status"); got != "已验收" {
		t.Fatalf("after acceptance: %q", got)
	}
	b.signOut()
	b.login("res-jia", apptest.Password)
	b.open(decisionPath)
	b.navigate("rate the project", chromedp.Click(chromedp.CSS("#rate-project")))
	b.checkFits("rate the project")
	b.navigate("give 非常满意",
		chromedp.Click(chromedp.CSS("#level-5")),
		chromedp.Click(chromedp.CSS("#submit-rating")),
	)
	if got := b.text("#rating-level"); got != "非常满意" {
		t.Fatalf("the rating: %q", got)
	}
	res, err := s.Result(staff, r.Vote.ID)
	if err != nil || res.Yes != 2 || res.No != 1 || res.Present != 3 || !res.Passed || len(res.Tallies) != 1 || res.Tallies[0].Witness != "钱监票" {
		t.Fatalf("the result: %v %+v", err, res)
	}
}
