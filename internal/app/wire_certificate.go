package app

import (
	"context"
	"os"
	"time"

	"shequ/internal/certificate"
	"shequ/internal/platform/web"
	"shequ/internal/volunteer"
)

// Volunteer service certificates: pages (the public verification page
// among them) and API. The slice reads the volunteer registry through its
// own small interface, which volunteerRegistry adapts. SHEQU_PUBLIC_URL,
// when set, is the address printed in certificates' QR codes.
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		reg := volunteerRegistry{volunteer.NewService(a.DB, a.Audit, a.Keys)}
		svc := certificate.NewService(a.DB, a.Audit, reg)
		h := certificate.NewHandlers(a.Web, svc, os.Getenv("SHEQU_PUBLIC_URL"))
		h.RegisterWeb()
		h.RegisterAPI(a.API)
	})
}

// volunteerRegistry is the volunteer service as certificate.Registry.
type volunteerRegistry struct{ s *volunteer.Service }

func (r volunteerRegistry) Volunteer(ctx context.Context, id int64) (*certificate.Volunteer, error) {
	v, err := r.s.Volunteer(ctx, id)
	if err != nil {
		return nil, err
	}
	return &certificate.Volunteer{ID: v.ID, Name: v.Name, IDNumber: v.IDNumber}, nil
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
	f, err := time.ParseInLocation(certificate.DateLayout, from, web.Shanghai)
	if err != nil {
		return nil, err
	}
	t, err := time.ParseInLocation(certificate.DateLayout, to, web.Shanghai)
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
