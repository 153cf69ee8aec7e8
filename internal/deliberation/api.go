package deliberation

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type body[T any] struct{ Body T }

type idIn struct {
	ID int64 `path:"id"`
}

// AreaPage is the query of the area-wide lists. (Exported: huma reads no
// fields from an embedded struct of an unexported type.)
type AreaPage struct {
	Division string `query:"division" doc:"12-digit code: records at or under it"`
	web.PageQuery
}

type topicsIn struct {
	AreaPage
	Status string `query:"status" doc:"proposed, admitted, merged or declined"`
	Q      string `query:"q" doc:"part of the title or details"`
}

type meetingsIn struct {
	AreaPage
	Topic int64 `query:"topic" doc:"the meetings on one topic"`
}

type idBody[T any] struct {
	ID   int64 `path:"id"`
	Body T
}

type codeIn struct {
	Code string `path:"code" doc:"the community's 12-digit code"`
}

type ruleIn struct {
	MeetingKind   string `path:"meeting_kind"`
	CommunityKind string `path:"community_kind"`
	Basis         string `path:"basis"`
	Body          RulePatch
}

type textIn struct {
	Text string `json:"text" maxLength:"20000"`
}

type choiceIn struct {
	Choice string `json:"choice" enum:"yes,no,abstain"`
}

type voted struct {
	Voted bool `json:"voted"`
}

type signinIn struct {
	Code string `json:"code" maxLength:"20" doc:"the code on the meeting's screen"`
}

// register adds one operation (web.RecordOp) under the slice's tag.
func register[I, O any](api huma.API, op huma.Operation, f func(context.Context, *I) (O, error)) {
	op.Tags = []string{"deliberation"}
	web.RecordOp(api, op, f)
}

// registerList adds one paged list operation (web.ListOp) under the slice's tag.
func registerList[I, T any](api huma.API, op huma.Operation, page func(*I) (int, int), f func(context.Context, *I) ([]T, bool, error)) {
	op.Tags = []string{"deliberation"}
	web.ListOp(api, op, page, f)
}

func all[T any](items []T, err error) ([]T, bool, error) { return items, false, err }

var public = []map[string][]string{}

// RegisterAPI adds the slice's routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	get, post := http.MethodGet, http.MethodPost
	pg := (*AreaPage).Paging
	registerList(api, huma.Operation{OperationID: "list-topics", Method: get, Path: "/api/v1/topics", Summary: "Topics (议题) of the caller's area"},
		func(in *topicsIn) (int, int) { return pg(&in.AreaPage) },
		func(ctx context.Context, in *topicsIn) ([]Topic, bool, error) {
			return s.Topics(ctx, TopicFilter{Division: in.Division, Status: in.Status, Q: in.Q, Page: in.Page, PerPage: in.PerPage})
		})
	register(api, huma.Operation{OperationID: "raise-topic", Method: post, Path: "/api/v1/topics", DefaultStatus: http.StatusCreated,
		Summary: "Raise a topic: a verified resident in their community, a worker in a community of their area"},
		func(ctx context.Context, in *body[TopicInput]) (*Topic, error) { return s.RaiseTopic(ctx, in.Body) })
	register(api, huma.Operation{OperationID: "get-topic", Method: get, Path: "/api/v1/topics/{id}", Summary: "A topic"},
		func(ctx context.Context, in *idIn) (*Topic, error) { return s.Topic(ctx, in.ID) })
	register(api, huma.Operation{OperationID: "review-topic", Method: post, Path: "/api/v1/topics/{id}/review",
		Summary: "Admit (with a plan), merge or decline (with a reason) a topic; never its proposer"},
		func(ctx context.Context, in *idBody[Review]) (*Topic, error) {
			return s.ReviewTopic(ctx, in.ID, in.Body)
		})

	registerList(api, huma.Operation{OperationID: "list-meetings", Method: get, Path: "/api/v1/meetings", Summary: "Meetings of the caller's area"},
		func(in *meetingsIn) (int, int) { return pg(&in.AreaPage) },
		func(ctx context.Context, in *meetingsIn) ([]Meeting, bool, error) {
			return s.Meetings(ctx, in.Division, in.Topic, in.Page, in.PerPage)
		})
	register(api, huma.Operation{OperationID: "plan-meeting", Method: post, Path: "/api/v1/meetings", DefaultStatus: http.StatusCreated,
		Summary: "Plan a meeting on an admitted topic; the electorate is prefilled from the registry"},
		func(ctx context.Context, in *body[MeetingInput]) (*Meeting, error) {
			return s.PlanMeeting(ctx, in.Body)
		})
	register(api, huma.Operation{OperationID: "get-meeting", Method: get, Path: "/api/v1/meetings/{id}", Summary: "A meeting with its rule and quorum"},
		func(ctx context.Context, in *idIn) (*Meeting, error) { return s.Meeting(ctx, in.ID) })
	register(api, huma.Operation{OperationID: "change-meeting-electorate", Method: http.MethodPut, Path: "/api/v1/meetings/{id}/electorate",
		Summary: "Change a meeting's electorate with a reason (audited)"},
		func(ctx context.Context, in *idBody[ElectorateChange]) (*Meeting, error) {
			return s.ChangeElectorate(ctx, in.ID, in.Body)
		})
	register(api, huma.Operation{OperationID: "get-meeting-signin-code", Method: get, Path: "/api/v1/meetings/{id}/code",
		Summary: "The meeting's rotating sign-in code, for its screen"},
		func(ctx context.Context, in *idIn) (*SigninCode, error) { return s.SignInCode(ctx, in.ID) })
	register(api, huma.Operation{OperationID: "sign-in-to-meeting", Method: post, Path: "/api/v1/meetings/{id}/signin",
		Summary: "A verified resident signs in with the code on the screen"},
		func(ctx context.Context, in *idBody[signinIn]) (*Meeting, error) {
			return s.SignIn(ctx, in.ID, in.Body.Code)
		})
	registerList(api, huma.Operation{OperationID: "list-meeting-attendance", Method: get, Path: "/api/v1/meetings/{id}/attendance", Summary: "Who signed in"},
		func(*idIn) (int, int) { return 1, 0 },
		func(ctx context.Context, in *idIn) ([]Attendee, bool, error) { return all(s.Attendees(ctx, in.ID)) })
	register(api, huma.Operation{OperationID: "record-meeting-attendance", Method: post, Path: "/api/v1/meetings/{id}/attendance",
		DefaultStatus: http.StatusCreated, Summary: "Record someone present: a verified resident's account or a name"},
		func(ctx context.Context, in *idBody[AttendeeInput]) (*Meeting, error) {
			return s.RecordAttendance(ctx, in.ID, in.Body)
		})
	register(api, huma.Operation{OperationID: "record-meeting-minutes", Method: post, Path: "/api/v1/meetings/{id}/minutes",
		Summary: "Keep the minutes (会议纪要) and close the meeting"},
		func(ctx context.Context, in *idBody[textIn]) (*Meeting, error) {
			return s.RecordMinutes(ctx, in.ID, in.Body.Text)
		})

	registerList(api, huma.Operation{OperationID: "list-meeting-votes", Method: get, Path: "/api/v1/meetings/{id}/votes", Summary: "A meeting's votes"},
		func(*idIn) (int, int) { return 1, 0 },
		func(ctx context.Context, in *idIn) ([]Vote, bool, error) { return all(s.Votes(ctx, in.ID)) })
	register(api, huma.Operation{OperationID: "open-vote", Method: post, Path: "/api/v1/meetings/{id}/votes", DefaultStatus: http.StatusCreated,
		Summary: "Put a motion to the vote; refused (409) while the meeting is short of quorum"},
		func(ctx context.Context, in *idBody[VoteInput]) (*Result, error) {
			return s.OpenVote(ctx, in.ID, in.Body)
		})
	register(api, huma.Operation{OperationID: "get-vote", Method: get, Path: "/api/v1/votes/{id}", Summary: "A vote's result with the quorum check"},
		func(ctx context.Context, in *idIn) (*Result, error) { return s.Result(ctx, in.ID) })
	register(api, huma.Operation{OperationID: "cast-ballot", Method: post, Path: "/api/v1/votes/{id}/ballots", DefaultStatus: http.StatusCreated,
		Summary: "A signed-in verified resident votes online, once"},
		func(ctx context.Context, in *idBody[choiceIn]) (*voted, error) {
			return &voted{Voted: true}, s.Cast(ctx, in.ID, in.Body.Choice)
		})
	register(api, huma.Operation{OperationID: "enter-tally", Method: post, Path: "/api/v1/votes/{id}/tallies", DefaultStatus: http.StatusCreated,
		Summary: "Enter a paper tally's counts with a witness"},
		func(ctx context.Context, in *idBody[TallyInput]) (*Result, error) {
			return s.EnterTally(ctx, in.ID, in.Body)
		})
	register(api, huma.Operation{OperationID: "close-vote", Method: post, Path: "/api/v1/votes/{id}/close",
		Summary: "Close a vote; refused (409) while the meeting is short of quorum"},
		func(ctx context.Context, in *idIn) (*Result, error) { return s.CloseVote(ctx, in.ID) })

	register(api, huma.Operation{OperationID: "publish-decision", Method: post, Path: "/api/v1/meetings/{id}/decisions", DefaultStatus: http.StatusCreated,
		Summary: "Publish a meeting's decision (公示) for its days (7 by default)"},
		func(ctx context.Context, in *idBody[DecisionInput]) (*Resolution, error) {
			return s.Publish(ctx, in.ID, in.Body)
		})
	registerList(api, huma.Operation{OperationID: "list-decisions", Method: get, Path: "/api/v1/decisions", Summary: "Decisions of the caller's area"},
		pg, func(ctx context.Context, in *AreaPage) ([]Resolution, bool, error) {
			return s.Decisions(ctx, in.Division, in.Page, in.PerPage)
		})
	register(api, huma.Operation{OperationID: "get-decision", Method: get, Path: "/api/v1/decisions/{id}", Summary: "A decision"},
		func(ctx context.Context, in *idIn) (*Resolution, error) { return s.Decision(ctx, in.ID) })
	register(api, huma.Operation{OperationID: "start-decision-project", Method: post, Path: "/api/v1/decisions/{id}/project",
		Summary: "Start a 民生项目 from a decision (409 when no project slice is wired)"},
		func(ctx context.Context, in *idIn) (*Resolution, error) { return s.StartProject(ctx, in.ID) })
	registerList(api, huma.Operation{OperationID: "list-objections", Method: get, Path: "/api/v1/decisions/{id}/objections",
		Summary: "A decision's objections (a resident sees their own)"},
		func(*idIn) (int, int) { return 1, 0 },
		func(ctx context.Context, in *idIn) ([]Objection, bool, error) { return all(s.Objections(ctx, in.ID)) })
	register(api, huma.Operation{OperationID: "raise-objection", Method: post, Path: "/api/v1/decisions/{id}/objections", DefaultStatus: http.StatusCreated,
		Summary: "A verified resident objects to a published decision of their community"},
		func(ctx context.Context, in *idBody[textIn]) (*Objection, error) {
			return s.Object(ctx, in.ID, in.Body.Text)
		})
	register(api, huma.Operation{OperationID: "answer-objection", Method: post, Path: "/api/v1/objections/{id}/answer", Summary: "Answer an objection"},
		func(ctx context.Context, in *idBody[textIn]) (*Objection, error) {
			return s.Answer(ctx, in.ID, in.Body.Text)
		})
	registerList(api, huma.Operation{OperationID: "list-published-decisions", Method: get, Path: "/api/v1/communities/{code}/decisions",
		Summary: "The decisions a community publishes today (public)", Security: public},
		func(*codeIn) (int, int) { return 1, 0 },
		func(ctx context.Context, in *codeIn) ([]Resolution, bool, error) {
			return s.Published(ctx, in.Code, 1, 200)
		})

	registerList(api, huma.Operation{OperationID: "list-deliberation-rules", Method: get, Path: "/api/v1/deliberation-rules",
		Summary: "The quorum and majority rules per meeting kind, community kind and basis"},
		func(*struct{}) (int, int) { return 1, 0 },
		func(ctx context.Context, _ *struct{}) ([]Rule, bool, error) { return all(s.Rules(ctx)) })
	register(api, huma.Operation{OperationID: "patch-deliberation-rule", Method: http.MethodPatch,
		Path: "/api/v1/deliberation-rules/{meeting_kind}/{community_kind}/{basis}", Summary: "Change a rule (city staff, with a reason; audited)"},
		func(ctx context.Context, in *ruleIn) (*Rule, error) {
			return s.UpdateRule(ctx, in.MeetingKind, in.CommunityKind, in.Basis, in.Body)
		})
	registerList(api, huma.Operation{OperationID: "list-deliberation-roster", Method: get, Path: "/api/v1/deliberation-roster",
		Summary: "协商能人: who chaired and facilitated meetings, with counts"},
		func(*AreaPage) (int, int) { return 1, 0 },
		func(ctx context.Context, in *AreaPage) ([]RosterEntry, bool, error) {
			return all(s.Roster(ctx, in.Division))
		})
}
