package burden

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type burdenItemsInput struct {
	List string `query:"list" enum:"work,proof,seal" default:"work"`
	Q    string `query:"q" maxLength:"50" doc:"part of the item's or the department's name"`
	web.PageQuery
}

type burdenAdmissionsInput struct {
	Status string `query:"status" enum:"pending,admitted,refused,"`
	web.PageQuery
}

type burdenID struct {
	ID int64 `path:"id"`
}

// BurdenItemInput puts an item on a list.
type BurdenItemInput struct {
	List         string `json:"list" enum:"work,proof,seal"`
	DivisionCode string `json:"division_code" doc:"the county whose list it joins, or the city for the city-wide base list"`
	Name         string `json:"name" maxLength:"100"`
	Basis        string `json:"basis" maxLength:"500" doc:"the legal basis"`
	UnitID       int64  `json:"unit_id,omitempty" doc:"work items: the department (a handling unit)"`
	Kind         string `json:"kind,omitempty" enum:"duty,assist,autonomy," doc:"work items: 依法履行 duty, 依法协助 assist, 自治 autonomy"`
	Funding      string `json:"funding,omitempty" maxLength:"500" doc:"assist items: the funding it brings"`
	Conditions   string `json:"conditions,omitempty" maxLength:"500" doc:"assist items: the working conditions it brings"`
}

// BurdenAdmissionInput is a department's admission request.
type BurdenAdmissionInput struct {
	DivisionCode string `json:"division_code" doc:"the county whose list the item would join"`
	Name         string `json:"name" maxLength:"100"`
	Basis        string `json:"basis" maxLength:"500"`
	Kind         string `json:"kind" enum:"duty,assist,autonomy"`
	Funding      string `json:"funding,omitempty" maxLength:"500" doc:"required for assist items"`
	Conditions   string `json:"conditions,omitempty" maxLength:"500" doc:"required for assist items"`
	Grounds      string `json:"grounds,omitempty" maxLength:"500" doc:"why communities should do it"`
}

// BurdenTaskDone answers a community's marking of its share done.
type BurdenTaskDone struct {
	TaskID int64 `json:"task_id"`
	Done   bool  `json:"done"`
}

// RegisterAPI adds the routes of the lists to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"burden"}
	op := func(id, method, path, summary string, status int) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: "/api/v1/burden" + path, Summary: summary, Tags: tags, DefaultStatus: status}
	}
	web.ListOp(api, op("burden-items", http.MethodGet, "/items", "A list (work items, proofs, seal uses) as it holds in the caller's area", 0),
		(*burdenItemsInput).Paging,
		func(ctx context.Context, in *burdenItemsInput) ([]BurdenItem, bool, error) {
			return s.Items(ctx, ItemFilter{List: in.List, Q: in.Q, Page: in.Page, PerPage: in.PerPage})
		})
	web.RecordOp(api, op("burden-add-item", http.MethodPost, "/items", "Put an item on a county's (or the city's) list", http.StatusCreated),
		func(ctx context.Context, in *struct{ Body BurdenItemInput }) (*BurdenItem, error) {
			b := in.Body
			return s.AddItem(ctx, BurdenItem{List: b.List, DivisionCode: b.DivisionCode, Name: b.Name, Basis: b.Basis, UnitID: b.UnitID,
				Kind: b.Kind, Funding: b.Funding, Conditions: b.Conditions})
		})
	web.RecordOp(api, op("burden-retire-item", http.MethodPost, "/items/{id}/retire", "Take an item off its list", 0),
		func(ctx context.Context, in *burdenID) (*BurdenItem, error) { return s.RetireItem(ctx, in.ID) })

	web.ListOp(api, op("burden-admissions", http.MethodGet, "/admissions", "Admission requests (准入申请): a department's own, or those to the counties of the caller's area", 0),
		(*burdenAdmissionsInput).Paging,
		func(ctx context.Context, in *burdenAdmissionsInput) ([]BurdenAdmission, bool, error) {
			return s.Admissions(ctx, AdmissionFilter{Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.RecordOp(api, op("burden-file-admission", http.MethodPost, "/admissions", "A department files an admission request for a work item", http.StatusCreated),
		func(ctx context.Context, in *struct{ Body BurdenAdmissionInput }) (*BurdenAdmission, error) {
			b := in.Body
			return s.File(ctx, BurdenAdmission{DivisionCode: b.DivisionCode, Name: b.Name, Basis: b.Basis, Kind: b.Kind, Funding: b.Funding,
				Conditions: b.Conditions, Reason: b.Grounds})
		})
	web.RecordOp(api, op("burden-admission", http.MethodGet, "/admissions/{id}", "An admission request", 0),
		func(ctx context.Context, in *burdenID) (*BurdenAdmission, error) { return s.Admission(ctx, in.ID) })
	web.RecordOp(api, op("burden-decide-admission", http.MethodPost, "/admissions/{id}/decide", "The county admits (the item joins its list) or refuses with a reason; never the filer", 0),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body BurdenDecision
		}) (*BurdenAdmission, error) {
			return s.Decide(ctx, in.ID, in.Body)
		})

	web.ListOp(api, op("burden-tasks", http.MethodGet, "/tasks", "Work assigned to communities: a department's own, or that of the communities of the caller's area", 0),
		(*web.PageQuery).Paging,
		func(ctx context.Context, in *web.PageQuery) ([]BurdenTask, bool, error) {
			return s.Tasks(ctx, TaskFilter{Page: in.Page, PerPage: in.PerPage})
		})
	web.RecordOp(api, op("burden-assign", http.MethodPost, "/tasks", "A department assigns work of a listed item to the communities of an area (refused when the item is not on the list)", http.StatusCreated),
		func(ctx context.Context, in *struct{ Body BurdenAssignInput }) (*BurdenTask, error) {
			return s.Assign(ctx, in.Body)
		})
	web.RecordOp(api, op("burden-task-done", http.MethodPost, "/tasks/{id}/done", "A community marks its share of a task done", 0),
		func(ctx context.Context, in *burdenID) (*BurdenTaskDone, error) {
			if err := s.Done(ctx, in.ID); err != nil {
				return nil, err
			}
			return &BurdenTaskDone{TaskID: in.ID, Done: true}, nil
		})
	web.RecordOp(api, op("burden-figures", http.MethodGet, "/figures", "Items per community, admissions decided, work and refusals by department", 0),
		func(ctx context.Context, _ *struct{}) (*BurdenFigures, error) { return s.Figures(ctx) })

	web.ListOp(api, op("burden-proofs", http.MethodGet, "/proofs", "Proofs (证明): a resident's own, or those of the communities of the caller's area", 0),
		(*web.PageQuery).Paging,
		func(ctx context.Context, in *web.PageQuery) ([]BurdenProof, bool, error) {
			return s.Proofs(ctx, ProofFilter{Page: in.Page, PerPage: in.PerPage})
		})
	web.RecordOp(api, op("burden-ask-proof", http.MethodPost, "/proofs", "A verified resident asks for a proof of the list", http.StatusCreated),
		func(ctx context.Context, in *struct{ Body BurdenAskInput }) (*BurdenProof, error) {
			return s.Ask(ctx, in.Body)
		})
	web.RecordOp(api, op("burden-proof", http.MethodGet, "/proofs/{id}", "A proof", 0),
		func(ctx context.Context, in *burdenID) (*BurdenProof, error) { return s.Proof(ctx, in.ID) })
	web.RecordOp(api, op("burden-decide-proof", http.MethodPost, "/proofs/{id}/decide", "Issue (numbered, verifiable) or refuse a proof", 0),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body BurdenProofDecision
		}) (*BurdenProof, error) {
			return s.DecideProof(ctx, in.ID, in.Body)
		})
	web.RecordOp(api, op("burden-revoke-proof", http.MethodPost, "/proofs/{id}/revoke", "Revoke an issued proof with a reason", 0),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body struct {
				RevokeReason string `json:"revoke_reason" maxLength:"500"`
			}
		}) (*BurdenProof, error) {
			return s.RevokeProof(ctx, in.ID, in.Body.RevokeReason)
		})

	web.ListOp(api, op("burden-seal-uses", http.MethodGet, "/seal-uses", "Uses of the community seals of the caller's area", 0),
		(*web.PageQuery).Paging,
		func(ctx context.Context, in *web.PageQuery) ([]BurdenSealUse, bool, error) {
			return s.SealUses(ctx, in.Page, in.PerPage)
		})
	web.RecordOp(api, op("burden-log-seal", http.MethodPost, "/seal-uses", "Log a use of the community seal on an item of the seal list", http.StatusCreated),
		func(ctx context.Context, in *struct{ Body BurdenSealInput }) (*BurdenSealUse, error) {
			return s.LogSeal(ctx, in.Body)
		})
}
