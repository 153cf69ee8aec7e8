package assessment

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/web"
)

type assessmentIDInput struct {
	ID int64 `path:"id"`
}

type assessmentItemPath struct {
	ID   int64 `path:"id"`
	Item int64 `path:"item"`
}

type assessmentListInput struct {
	Year     int    `query:"year" doc:"0 for every year"`
	SchemeID int64  `query:"scheme_id"`
	State    string `query:"state" doc:"draft, submitted, reviewed, approved or returned"`
	Q        string `query:"q" maxLength:"50" doc:"part of the community's name"`
	web.PageQuery
}

// MetricList lists what a computed item may read. Errors: EFORBIDDEN.
func (s *Service) MetricList(ctx context.Context) ([]AssessmentMetric, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.Metrics(), nil
}

// RegisterAPI adds the assessment routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"assessment"}
	op := func(id, method, path, summary string) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: tags}
	}
	web.ItemsOp(api, op("assessment-metrics", http.MethodGet, "/api/v1/assessment-metrics", "What a computed item may read: the indicators and the 三率"),
		func(ctx context.Context, _ *struct{}) ([]AssessmentMetric, error) { return s.MetricList(ctx) })
	web.ItemsOp(api, op("list-assessment-schemes", http.MethodGet, "/api/v1/assessment-schemes", "Assessment schemes covering or inside the caller's area"),
		func(ctx context.Context, in *struct {
			Year int `query:"year"`
		}) ([]AssessmentScheme, error) {
			return s.Schemes(ctx, in.Year)
		})
	create := op("create-assessment-scheme", http.MethodPost, "/api/v1/assessment-schemes", "Define a year's scheme (county staff for their county, city staff city-wide)")
	create.DefaultStatus = http.StatusCreated
	create.Description = "Items given at once must have weights that sum to 100; a veto (一票否决) rule, a weight over 100 or negative points are refused."
	web.RecordOp(api, create, func(ctx context.Context, in *struct{ Body AssessmentSchemeInput }) (*AssessmentScheme, error) {
		return s.CreateScheme(ctx, in.Body)
	})
	web.RecordOp(api, op("get-assessment-scheme", http.MethodGet, "/api/v1/assessment-schemes/{id}", "A scheme with its items"),
		func(ctx context.Context, in *assessmentIDInput) (*AssessmentScheme, error) {
			return s.Scheme(ctx, in.ID)
		})
	web.RecordOp(api, op("add-assessment-item", http.MethodPost, "/api/v1/assessment-schemes/{id}/items", "Add an item to a draft scheme"),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body AssessmentItemInput
		}) (*AssessmentScheme, error) {
			return s.AddItem(ctx, in.ID, in.Body)
		})
	web.RecordOp(api, op("remove-assessment-item", http.MethodDelete, "/api/v1/assessment-schemes/{id}/items/{item}", "Remove an item from a draft scheme"),
		func(ctx context.Context, in *assessmentItemPath) (*AssessmentScheme, error) {
			return s.RemoveItem(ctx, in.ID, in.Item)
		})
	web.RecordOp(api, op("open-assessment-scheme", http.MethodPost, "/api/v1/assessment-schemes/{id}/open", "Open a scheme to its communities (weights sum to 100)"),
		func(ctx context.Context, in *assessmentIDInput) (*AssessmentScheme, error) {
			return s.OpenScheme(ctx, in.ID)
		})
	web.RecordOp(api, op("publish-assessment-results", http.MethodPost, "/api/v1/assessment-schemes/{id}/publish", "Publish a scheme's results and ranks within its area"),
		func(ctx context.Context, in *assessmentIDInput) (*AssessmentScheme, error) {
			return s.PublishResults(ctx, in.ID)
		})
	web.RecordOp(api, op("assessment-ranking", http.MethodGet, "/api/v1/assessment-schemes/{id}/ranking", "The approved communities of a township or county, ranked"),
		func(ctx context.Context, in *struct {
			ID       int64  `path:"id"`
			Division string `query:"division" doc:"a township or county; the caller's township or area by default"`
		}) (*AssessmentRanking, error) {
			return s.Ranking(ctx, in.ID, in.Division)
		})
	start := op("start-assessment", http.MethodPost, "/api/v1/assessments", "Start the caller's community's self-assessment of a year")
	start.DefaultStatus = http.StatusCreated
	web.RecordOp(api, start, func(ctx context.Context, in *struct {
		Body struct {
			Year int `json:"year" minimum:"2000" maximum:"2100"`
		}
	}) (*Assessment, error) {
		return s.Start(ctx, in.Body.Year)
	})
	web.ListOp(api, op("list-assessments", http.MethodGet, "/api/v1/assessments", "Assessments of the caller's area's communities"),
		(*assessmentListInput).Paging,
		func(ctx context.Context, in *assessmentListInput) ([]Assessment, bool, error) {
			return s.List(ctx, Filter{Year: in.Year, SchemeID: in.SchemeID, State: in.State, Q: in.Q, Page: in.Page, PerPage: in.PerPage})
		})
	web.RecordOp(api, op("get-assessment", http.MethodGet, "/api/v1/assessments/{id}", "An assessment and how each item's points were made"),
		func(ctx context.Context, in *assessmentIDInput) (*Assessment, error) { return s.Get(ctx, in.ID) })
	web.RecordOp(api, op("score-assessment-item", http.MethodPut, "/api/v1/assessments/{id}/items/{item}",
		"Score a hand item: the community while it self-assesses, the township at review (a change needs a reason)"),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Item int64 `path:"item"`
			Body AssessmentHandInput
		}) (*Assessment, error) {
			return s.ScoreHand(ctx, in.ID, in.Item, in.Body, nil)
		})
	for _, st := range []struct {
		id, path, summary string
		call              func(context.Context, int64) (*Assessment, error)
	}{
		{"submit-assessment", "submit", "Submit the self-assessment to the township", s.Submit},
		{"review-assessment", "review", "End the township's review: computed items frozen, total set", s.Review},
		{"approve-assessment", "approve", "Approve a reviewed assessment (county; never its submitter or reviewer)", s.Approve},
	} {
		web.RecordOp(api, op(st.id, http.MethodPost, "/api/v1/assessments/{id}/"+st.path, st.summary),
			func(ctx context.Context, in *assessmentIDInput) (*Assessment, error) { return st.call(ctx, in.ID) })
	}
	web.RecordOp(api, op("return-assessment", http.MethodPost, "/api/v1/assessments/{id}/return", "Return a reviewed assessment to its community with a reason"),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body struct {
				Reason string `json:"return_reason" maxLength:"500"`
			}
		}) (*Assessment, error) {
			return s.Return(ctx, in.ID, in.Body.Reason)
		})
}
