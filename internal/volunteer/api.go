package volunteer

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/web"
)

type idInput struct {
	ID int64 `path:"id"`
}

type volunteerListInput struct {
	Q        string `query:"q" doc:"part of a name" maxLength:"50"`
	Division string `query:"division" doc:"12-digit code: volunteers in communities at or under it"`
	IDNumber string `query:"id_number" doc:"exact, whole ID number (found by blind index)"`
	Phone    string `query:"phone" doc:"exact, whole 11-digit mobile number (found by blind index)"`
	Reason   string `query:"reason" doc:"why you search by ID number or phone (required with them; kept in the audit log). Such searches are limited to 30 per 10 minutes per account (429 beyond)" maxLength:"200"`
	Active   bool   `query:"active" doc:"only those who served in the last 12 months"`
	web.PageQuery
}

type recordsInput struct {
	ID   int64  `path:"id"`
	From string `query:"from" doc:"YYYY-MM-DD"`
	To   string `query:"to" doc:"YYYY-MM-DD"`
}

type correctionInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Hours  float64 `json:"service_hours,omitempty" doc:"the hours the record should show"`
		Reason string  `json:"correction_reason,omitempty"`
	}
}

type decideInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Approve bool   `json:"approve,omitempty"`
		Reason  string `json:"decision_reason,omitempty" doc:"required to refuse"`
	}
}

type orgsInput struct {
	Division string `query:"division" doc:"12-digit code; the caller's area by default"`
}

type memberInput struct {
	ID          int64 `path:"id"`
	VolunteerID int64 `path:"vid"`
	Body        struct {
		Lead bool `json:"lead,omitempty"`
	}
}

type activityListInput struct {
	Division string `query:"division" doc:"12-digit code: activities in communities at or under it (nearby)"`
	Date     string `query:"date" doc:"YYYY-MM-DD: activities on that day (China time)"`
	OrgID    int64  `query:"org_id"`
	Status   string `query:"status" doc:"open, closed or cancelled"`
	web.PageQuery
}

type signupOutput struct {
	Body struct {
		Status string `json:"status" doc:"confirmed or waiting"`
	}
}

type signupsOutput struct {
	Body struct {
		Items []Signup `json:"items"`
	}
}

type checkinInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Direction string `json:"direction,omitempty" doc:"in or out"`
		Code      string `json:"checkin_code,omitempty" doc:"the code on the lead's phone (QR content or the 8 characters)"`
	}
}

type checkinOutput struct {
	Body struct {
		Direction string    `json:"direction"`
		At        time.Time `json:"at"`
	}
}

type codeInput struct {
	ID        int64  `path:"id"`
	Direction string `query:"direction" default:"in" doc:"in or out"`
}

type attendanceInput struct {
	ID   int64 `path:"id"`
	Body Attendance
}

type closeOutput struct {
	Body struct {
		Records int `json:"records"`
	}
}

type figuresInput struct {
	Division string `query:"division" doc:"12-digit code; the caller's area by default"`
}

type starsOutput struct {
	Body struct {
		Hours []int `json:"star_hours" doc:"cumulative hours of star levels one to five"`
	}
}

type starsInput struct {
	Body struct {
		Hours []int `json:"star_hours,omitempty"`
	}
}

// dates reads an optional from/to pair (YYYY-MM-DD, China time).
func dates(from, to string) (time.Time, time.Time, error) {
	var out [2]time.Time
	var bad errs.Fields
	for i, v := range []struct{ field, s string }{{"from", from}, {"to", to}} {
		if v.s == "" {
			continue
		}
		t, err := time.ParseInLocation(DateLayout, v.s, calendar.China)
		if err != nil {
			bad.Add(v.field, "volunteer.date_invalid")
		}
		out[i] = t
	}
	return out[0], out[1], bad.Err()
}

// RegisterAPI adds the volunteer routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	reg := func(op huma.Operation) huma.Operation {
		if op.Tags == nil {
			op.Tags = []string{"volunteers"}
		}
		return op
	}
	web.ListOp(api, reg(huma.Operation{OperationID: "list-volunteers", Method: http.MethodGet, Path: "/api/v1/volunteers",
		Summary: "Volunteers in the caller's area; ID numbers and phones masked"}),
		(*volunteerListInput).Paging, func(ctx context.Context, in *volunteerListInput) ([]Volunteer, bool, error) {
			return s.List(ctx, Filter{Q: in.Q, Division: in.Division, IDNumber: in.IDNumber, Phone: in.Phone, Reason: in.Reason, Active: in.Active, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, reg(huma.Operation{OperationID: "register-volunteer", Method: http.MethodPost, Path: "/api/v1/volunteers", DefaultStatus: http.StatusCreated,
		Summary: "Register a volunteer: a resident registers themself, staff a resident of their area"}),
		s.Register)
	web.RecordOp(api, reg(huma.Operation{OperationID: "my-volunteer", Method: http.MethodGet, Path: "/api/v1/volunteers/me",
		Summary: "The caller's own volunteer registration, hours and star"}),
		func(ctx context.Context, in *struct{}) (*Volunteer, error) {
			return s.Me(ctx)
		})
	web.IDOp(api, reg(huma.Operation{OperationID: "get-volunteer", Method: http.MethodGet, Path: "/api/v1/volunteers/{id}",
		Summary: "A volunteer, masked; staff of the area and the volunteer themself"}),
		s.Volunteer)
	web.IDBodyOp(api, reg(huma.Operation{OperationID: "patch-volunteer", Method: http.MethodPatch, Path: "/api/v1/volunteers/{id}",
		Summary: "Change a volunteer's phone, skills, availability, service areas or community (records move with them)"}),
		s.Update)
	web.ItemsOp(api, reg(huma.Operation{OperationID: "volunteer-records", Method: http.MethodGet, Path: "/api/v1/volunteers/{id}/records",
		Summary: "A volunteer's service records"}),
		func(ctx context.Context, in *recordsInput) ([]Record, error) {
			from, to, err := dates(in.From, in.To)
			if err != nil {
				return nil, err
			}
			return s.Records(ctx, in.ID, from, to)
		})
	web.RecordOp(api, reg(huma.Operation{OperationID: "ask-correction", Method: http.MethodPost, Path: "/api/v1/volunteer-records/{id}/corrections", DefaultStatus: http.StatusCreated,
		Summary: "Ask, as the record's volunteer, for its hours to be corrected"}),
		func(ctx context.Context, in *correctionInput) (*Correction, error) {
			return s.AskCorrection(ctx, in.ID, in.Body.Hours, in.Body.Reason)
		})
	web.ItemsOp(api, reg(huma.Operation{OperationID: "list-corrections", Method: http.MethodGet, Path: "/api/v1/volunteer-corrections",
		Summary: "Pending corrections of the records of the organisations the caller organises for"}),
		func(ctx context.Context, _ *struct{}) ([]Correction, error) { return s.Corrections(ctx) })
	web.RecordOp(api, reg(huma.Operation{OperationID: "decide-correction", Method: http.MethodPost, Path: "/api/v1/volunteer-corrections/{id}/decision",
		Summary: "Approve or refuse (with a reason) a correction, as an organiser of the organisation that recorded the hours"}),
		func(ctx context.Context, in *decideInput) (*Correction, error) {
			return s.Decide(ctx, in.ID, in.Body.Approve, in.Body.Reason)
		})
	web.ItemsOp(api, reg(huma.Operation{OperationID: "list-volunteer-orgs", Method: http.MethodGet, Path: "/api/v1/volunteer-orgs",
		Summary: "Organisations of volunteer service at or under a division"}),
		func(ctx context.Context, in *orgsInput) ([]Org, error) { return s.Orgs(ctx, in.Division) })
	web.BodyOp(api, reg(huma.Operation{OperationID: "create-volunteer-org", Method: http.MethodPost, Path: "/api/v1/volunteer-orgs", DefaultStatus: http.StatusCreated,
		Summary: "Create an organisation (practice station, volunteer team, social organisation, community committee)"}),
		s.CreateOrg)
	web.ItemsOp(api, reg(huma.Operation{OperationID: "volunteer-org-members", Method: http.MethodGet, Path: "/api/v1/volunteer-orgs/{id}/members",
		Summary: "An organisation's members and leads"}),
		func(ctx context.Context, in *idInput) ([]Member, error) { return s.Members(ctx, in.ID) })
	huma.Register(api, reg(huma.Operation{OperationID: "set-volunteer-org-member", Method: http.MethodPut, Path: "/api/v1/volunteer-orgs/{id}/members/{vid}",
		Summary: "Add a volunteer to an organisation, or make them a lead", DefaultStatus: http.StatusNoContent}),
		func(ctx context.Context, in *memberInput) (*struct{}, error) {
			return nil, web.APIErr(ctx, s.SetMember(ctx, in.ID, in.VolunteerID, in.Body.Lead))
		})
	act := []string{"activities"}
	web.ListOp(api, huma.Operation{OperationID: "list-activities", Method: http.MethodGet, Path: "/api/v1/activities", Tags: act,
		Summary: "Volunteer activities; residents find nearby ones by community and date"},
		(*activityListInput).Paging,
		func(ctx context.Context, in *activityListInput) ([]Activity, bool, error) {
			return s.Activities(ctx, ActivityFilter{Division: in.Division, Date: in.Date, OrgID: in.OrgID, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "publish-activity", Method: http.MethodPost, Path: "/api/v1/activities", Tags: act, DefaultStatus: http.StatusCreated,
		Summary: "Publish an activity, as a lead of the organisation or staff of the community"},
		s.Publish)
	web.IDOp(api, huma.Operation{OperationID: "get-activity", Method: http.MethodGet, Path: "/api/v1/activities/{id}", Tags: act,
		Summary: "An activity, with the caller's sign-up"},
		s.Activity)
	huma.Register(api, huma.Operation{OperationID: "close-activity", Method: http.MethodPost, Path: "/api/v1/activities/{id}/close", Tags: act,
		Summary: "Close an activity and record the hours served (clipped to its window)"},
		func(ctx context.Context, in *idInput) (*closeOutput, error) {
			n, err := s.Close(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &closeOutput{}
			out.Body.Records = n
			return out, nil
		})
	web.ItemsOp(api, huma.Operation{OperationID: "list-signups", Method: http.MethodGet, Path: "/api/v1/activities/{id}/signups", Tags: act,
		Summary: "An activity's sign-ups and waiting list, for its organisers"},
		func(ctx context.Context, in *idInput) ([]Signup, error) { return s.Signups(ctx, in.ID) })
	huma.Register(api, huma.Operation{OperationID: "sign-up", Method: http.MethodPost, Path: "/api/v1/activities/{id}/signups", Tags: act, DefaultStatus: http.StatusCreated,
		Summary: "Sign the caller up (confirmed, or on the waiting list when full)"},
		func(ctx context.Context, in *idInput) (*signupOutput, error) {
			st, err := s.SignUp(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &signupOutput{}
			out.Body.Status = st
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "cancel-signup", Method: http.MethodDelete, Path: "/api/v1/activities/{id}/signups", Tags: act, DefaultStatus: http.StatusNoContent,
		Summary: "Cancel the caller's sign-up; the first on the waiting list moves up"},
		func(ctx context.Context, in *idInput) (*struct{}, error) {
			return nil, web.APIErr(ctx, s.Cancel(ctx, in.ID))
		})
	huma.Register(api, huma.Operation{OperationID: "list-checkins", Method: http.MethodGet, Path: "/api/v1/activities/{id}/checkins", Tags: act,
		Summary: "Attendance: the confirmed volunteers with their check-in and check-out times, for organisers"},
		func(ctx context.Context, in *idInput) (*signupsOutput, error) {
			items, err := s.Signups(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &signupsOutput{Body: struct {
				Items []Signup `json:"items"`
			}{Items: []Signup{}}}
			for _, x := range items {
				if x.Status == Confirmed {
					out.Body.Items = append(out.Body.Items, x)
				}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "check-in", Method: http.MethodPost, Path: "/api/v1/activities/{id}/checkins", Tags: act, DefaultStatus: http.StatusCreated,
		Summary: "Check in or out with the code on the lead's phone"},
		func(ctx context.Context, in *checkinInput) (*checkinOutput, error) {
			at, err := s.CheckIn(ctx, in.ID, in.Body.Direction, in.Body.Code)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &checkinOutput{}
			out.Body.Direction, out.Body.At = in.Body.Direction, at
			return out, nil
		})
	web.RecordOp(api, huma.Operation{OperationID: "checkin-code", Method: http.MethodGet, Path: "/api/v1/activities/{id}/code", Tags: act,
		Summary: "The current 30-second check-in (or check-out) code, for the activity's organisers"},
		func(ctx context.Context, in *codeInput) (*Code, error) {
			return s.CurrentCode(ctx, in.ID, in.Direction)
		})
	huma.Register(api, huma.Operation{OperationID: "confirm-attendance", Method: http.MethodPost, Path: "/api/v1/activities/{id}/attendance", Tags: act, DefaultStatus: http.StatusNoContent,
		Summary: "Confirm a volunteer's times by hand, with a reason (audited)"},
		func(ctx context.Context, in *attendanceInput) (*struct{}, error) {
			return nil, web.APIErr(ctx, s.Confirm(ctx, in.ID, in.Body))
		})
	web.RecordOp(api, reg(huma.Operation{OperationID: "volunteer-figures", Method: http.MethodGet, Path: "/api/v1/volunteer-figures",
		Summary: "Registered and active volunteers per 10,000 residents, and hours by area and month"}),
		func(ctx context.Context, in *figuresInput) (*Figures, error) {
			return s.Figures(ctx, in.Division)
		})
	huma.Register(api, reg(huma.Operation{OperationID: "volunteer-stars", Method: http.MethodGet, Path: "/api/v1/volunteer-stars",
		Summary: "The cumulative hours of star levels one to five in this deployment"}),
		func(ctx context.Context, in *struct{}) (*starsOutput, error) {
			if _, err := auth.Must(ctx); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			st, err := s.Stars(ctx)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &starsOutput{}
			out.Body.Hours = st
			return out, nil
		})
	huma.Register(api, reg(huma.Operation{OperationID: "set-volunteer-stars", Method: http.MethodPut, Path: "/api/v1/volunteer-stars",
		Summary: "Set the star levels' hours (admin)"}),
		func(ctx context.Context, in *starsInput) (*starsOutput, error) {
			if err := s.SetStars(ctx, in.Body.Hours); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &starsOutput{}
			out.Body.Hours = in.Body.Hours
			return out, nil
		})
}
