package app

import (
	"context"
	"strconv"

	"shequ/internal/mediation"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
	"shequ/internal/worker"
)

// mediationWorkers gives people's mediation the community workers'
// roster: a mediator may be a worker of the committee's community. Reads
// act as the caller, so the worker slice's area rules hold.
type mediationWorkers struct{ w *worker.Service }

func (m mediationWorkers) Worker(ctx context.Context, id int64) (string, string, error) {
	w, err := m.w.Get(ctx, id)
	if err != nil {
		return "", "", err
	}
	return w.Name, w.CommunityCode, nil
}

func (m mediationWorkers) InPost(ctx context.Context, code string) ([]mediation.WorkerOption, error) {
	ws, _, err := m.w.List(ctx, worker.Filter{Division: code, Status: "in_post", PerPage: 200})
	if err != nil {
		return nil, err
	}
	out := make([]mediation.WorkerOption, 0, len(ws))
	for _, w := range ws {
		out = append(out, mediation.WorkerOption{ID: w.ID, Name: w.Name})
	}
	return out, nil
}

// mediationRequests reads the request a case is opened from, as the
// caller may see it.
type mediationRequests struct{ r *request.Service }

func (m mediationRequests) Request(ctx context.Context, id int64) (*mediation.RequestInfo, error) {
	r, err := m.r.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	name := r.ContactName
	if r.Anonymous {
		name = ""
	}
	return &mediation.RequestInfo{ID: r.ID, Number: r.Number, DivisionCode: r.DivisionCode, CategoryCode: r.CategoryCode,
		Title: r.Title, Description: r.Description, ContactName: name}, nil
}

// requestCases shows on a request's page the mediation case opened from
// it, or the form that opens one (staff who keep cases, a request in a
// dispute category).
type requestCases struct{ m *mediation.Service }

func (c requestCases) CaseOf(ctx context.Context, requestID int64) (string, error) {
	id, err := c.m.CaseOfRequest(ctx, requestID)
	if err != nil || id == 0 {
		return "", err
	}
	return "/mediation/cases/" + strconv.FormatInt(id, 10), nil
}

func (c requestCases) OpenPath(ctx context.Context, requestID int64, category string) string {
	if _, err := auth.Require(ctx, mediation.EditRoles...); err != nil || !mediation.IsDispute(category) {
		return ""
	}
	return "/mediation/from-request/" + strconv.FormatInt(requestID, 10)
}

var _ request.CaseLinks = requestCases{}
