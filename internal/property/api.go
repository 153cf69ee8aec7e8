package property

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

// ListInput is the query of the property lists. (Exported: huma reads no
// fields from an embedded unexported struct.)
type ListInput struct {
	Q        string `query:"q" doc:"part of a name (companies: or an exact credit code or phone)" maxLength:"50"`
	Division string `query:"division" doc:"12-digit code: records at or under it"`
	web.PageQuery
}

type compoundListInput struct {
	ListInput
	Company int64 `query:"company" doc:"the compounds this company serves"`
}

type committeeListInput struct {
	ListInput
	Kind  string `query:"kind" doc:"owners or management; empty for both"`
	Ended bool   `query:"ended" doc:"only committees whose term is over (a new election is due)"`
}

type meetingListInput struct {
	ID int64 `path:"id"`
	web.PageQuery
}

type scoresInput struct {
	Division string `query:"division" doc:"12-digit code; the caller's area when empty"`
	Year     int    `query:"year" doc:"the year; this year when 0"`
}

// PropertyRequestInput is a resident's property request about a compound.
type PropertyRequestInput struct {
	Description string `json:"description" minLength:"1" maxLength:"2000"`
}

// PropertyRequestFiled is the request filed.
type PropertyRequestFiled struct {
	RequestID int64 `json:"request_id"`
}

type fileInput struct {
	ID   int64 `path:"id"`
	Body PropertyRequestInput
}

type noInput struct{}

func (in *ListInput) filter() Filter {
	return Filter{Q: in.Q, Division: in.Division, Page: in.Page, PerPage: in.PerPage}
}

// RegisterAPI adds the property routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"property"}
	pages := (*ListInput).Paging
	web.ListOp(api, huma.Operation{OperationID: "list-property-companies", Method: http.MethodGet, Path: "/api/v1/property/companies",
		Summary: "Property companies registered in the caller's area or above it (contacts masked)", Tags: tags}, pages,
		func(ctx context.Context, in *ListInput) ([]PropertyCompany, bool, error) {
			return s.ListCompanies(ctx, in.filter())
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-property-company", Method: http.MethodPost, Path: "/api/v1/property/companies",
		Summary: "Register a property company", DefaultStatus: http.StatusCreated, Tags: tags},
		s.CreateCompany)
	web.IDOp(api, huma.Operation{OperationID: "get-property-company", Method: http.MethodGet, Path: "/api/v1/property/companies/{id}",
		Summary: "A property company (contact masked)", Tags: tags},
		s.GetCompany)
	web.IDOp(api, huma.Operation{OperationID: "reveal-property-company-contact", Method: http.MethodPost,
		Path: "/api/v1/property/companies/{id}/contact", Summary: "A property company with its contact whole (audited)", Tags: tags},
		s.CompanyContact)
	web.IDBodyOp(api, huma.Operation{OperationID: "patch-property-company", Method: http.MethodPatch, Path: "/api/v1/property/companies/{id}",
		Summary: "Change a property company", Description: "Fields left out stay as they are; `unit_id: 0` unlinks its handling unit.", Tags: tags},
		s.UpdateCompany)

	web.ListOp(api, huma.Operation{OperationID: "list-property-compounds", Method: http.MethodGet, Path: "/api/v1/property/compounds",
		Summary: "Residential compounds in the caller's area", Tags: tags},
		(*compoundListInput).Paging,
		func(ctx context.Context, in *compoundListInput) ([]PropertyCompound, bool, error) {
			return s.ListCompounds(ctx, in.filter(), in.Company)
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-property-compound", Method: http.MethodPost, Path: "/api/v1/property/compounds",
		Summary: "Register a residential compound", DefaultStatus: http.StatusCreated, Tags: tags},
		s.CreateCompound)
	web.IDOp(api, huma.Operation{OperationID: "get-property-compound", Method: http.MethodGet, Path: "/api/v1/property/compounds/{id}",
		Summary: "A residential compound", Tags: tags},
		s.GetCompound)
	web.IDBodyOp(api, huma.Operation{OperationID: "patch-property-compound", Method: http.MethodPatch, Path: "/api/v1/property/compounds/{id}",
		Summary: "Change a residential compound", Description: "`management: self` clears the company and its contract dates.", Tags: tags},
		s.UpdateCompound)
	web.RecordOp(api, huma.Operation{OperationID: "file-property-request", Method: http.MethodPost, Path: "/api/v1/property/compounds/{id}/requests",
		Summary: "File a property request about a compound of the resident's community", DefaultStatus: http.StatusCreated, Tags: tags,
		Description: "The request goes to the compound's property company when it has a handling unit."},
		func(ctx context.Context, in *fileInput) (*PropertyRequestFiled, error) {
			id, err := s.FileRequest(ctx, in.ID, in.Body.Description)
			if err != nil && id == 0 {
				return nil, err
			}
			return &PropertyRequestFiled{RequestID: id}, nil
		})
	web.RecordOp(api, huma.Operation{OperationID: "my-property", Method: http.MethodGet, Path: "/api/v1/property/mine",
		Summary: "A resident's compounds and property requests", Tags: tags},
		func(ctx context.Context, _ *noInput) (*PropertyMine, error) { return s.Mine(ctx) })

	web.ListOp(api, huma.Operation{OperationID: "list-property-committees", Method: http.MethodGet, Path: "/api/v1/property/committees",
		Summary: "Owners' committees and property management committees in the caller's area", Tags: tags},
		(*committeeListInput).Paging,
		func(ctx context.Context, in *committeeListInput) ([]PropertyCommittee, bool, error) {
			f := in.filter()
			f.Kind = in.Kind
			return s.ListCommittees(ctx, f, in.Ended)
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-property-committee", Method: http.MethodPost, Path: "/api/v1/property/committees",
		Summary: "Record an owners' committee or a property management committee", DefaultStatus: http.StatusCreated, Tags: tags},
		s.CreateCommittee)
	web.IDOp(api, huma.Operation{OperationID: "get-property-committee", Method: http.MethodGet, Path: "/api/v1/property/committees/{id}",
		Summary: "A committee with its members", Tags: tags},
		s.GetCommittee)
	web.IDBodyOp(api, huma.Operation{OperationID: "add-property-committee-member", Method: http.MethodPost,
		Path: "/api/v1/property/committees/{id}/members", Summary: "Add a committee member", DefaultStatus: http.StatusCreated, Tags: tags},
		s.AddMember)
	web.ListOp(api, huma.Operation{OperationID: "list-property-meetings", Method: http.MethodGet, Path: "/api/v1/property/committees/{id}/meetings",
		Summary: "A management committee's joint meetings", Tags: tags},
		(*meetingListInput).Paging,
		func(ctx context.Context, in *meetingListInput) ([]PropertyMeeting, bool, error) {
			if _, err := s.GetCommittee(ctx, in.ID); err != nil {
				return nil, false, err
			}
			return s.ListMeetings(ctx, in.ID, in.Page, in.PerPage)
		})
	web.IDBodyOp(api, huma.Operation{OperationID: "record-property-meeting", Method: http.MethodPost,
		Path: "/api/v1/property/committees/{id}/meetings", Summary: "Record a joint meeting and its resolutions", DefaultStatus: http.StatusCreated, Tags: tags},
		s.RecordMeeting)

	web.RecordOp(api, huma.Operation{OperationID: "property-company-scores", Method: http.MethodGet, Path: "/api/v1/property/scores",
		Summary: "The yearly scores of the property companies serving an area, ranked", Tags: tags,
		Description: "score = 0.6 × rating points (mean level × 20) + 0.4 × request points (its unit's 三率, weighted 10/50/40) − min(20, 2 × 差评); see docs/architecture.md."},
		func(ctx context.Context, in *scoresInput) (*PropertyScores, error) {
			return s.CompanyScores(ctx, in.Division, in.Year)
		})
}
