package app

import (
	"context"
	"time"

	"shequ/internal/certificate"
	"shequ/internal/platform/calendar"
	"shequ/internal/volunteer"
)

// volunteerRegistry is the volunteer service as certificate.Registry: the
// certificates slice reads volunteers, organisations and records through it.
type volunteerRegistry struct{ s *volunteer.Service }

func (r volunteerRegistry) Volunteer(ctx context.Context, id int64) (*certificate.Volunteer, error) {
	v, err := r.s.Volunteer(ctx, id)
	if err != nil {
		return nil, err
	}
	return &certificate.Volunteer{ID: v.ID, Name: v.Name, IDNumber: v.IDNumber, UserID: v.UserID}, nil
}

func (r volunteerRegistry) Me(ctx context.Context) (*certificate.Volunteer, error) {
	v, err := r.s.Me(ctx)
	if err != nil {
		return nil, err
	}
	return &certificate.Volunteer{ID: v.ID, Name: v.Name, IDNumber: v.IDNumber}, nil
}

func (r volunteerRegistry) Organization(ctx context.Context, id int64) (*certificate.Organization, error) {
	o, err := r.s.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	return &certificate.Organization{ID: o.ID, Name: o.Name, DivisionCode: o.DivisionCode}, nil
}

func (r volunteerRegistry) Organizations(ctx context.Context) ([]certificate.Organization, error) {
	orgs, err := r.s.Orgs(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]certificate.Organization, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, certificate.Organization{ID: o.ID, Name: o.Name, DivisionCode: o.DivisionCode})
	}
	return out, nil
}

func (r volunteerRegistry) Records(ctx context.Context, volunteerID int64, from, to string) ([]certificate.Record, error) {
	f, err := time.ParseInLocation(certificate.DateLayout, from, calendar.China)
	if err != nil {
		return nil, err
	}
	t, err := time.ParseInLocation(certificate.DateLayout, to, calendar.China)
	if err != nil {
		return nil, err
	}
	recs, err := r.s.Records(ctx, volunteerID, f, t)
	if err != nil {
		return nil, err
	}
	out := make([]certificate.Record, 0, len(recs))
	for _, rec := range recs {
		out = append(out, certificate.Record{Date: rec.Date, HoursCenti: rec.HoursCenti, Content: rec.Content, OrganizationID: rec.OrgID})
	}
	return out, nil
}
