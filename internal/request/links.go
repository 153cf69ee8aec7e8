package request

import "context"

// CaseLinks is what the request page shows of a case another slice opened
// from the request (people's mediation: a request in a dispute category
// becomes a mediation case). Set in internal/app; nil leaves it out.
type CaseLinks interface {
	// CaseOf returns the page of the case opened from a request, "" when none.
	CaseOf(ctx context.Context, requestID int64) (string, error)
	// OpenPath returns where the request page posts to open a case from a
	// request of the category, "" when the caller may not or the category
	// does not qualify.
	OpenPath(ctx context.Context, requestID int64, category string) string
}

// caseLinks fills the view's link to a case, or the form that opens one.
func (s *Service) caseLinks(ctx context.Context, r *Request, d *viewData) error {
	if s.Cases == nil {
		return nil
	}
	var err error
	if d.CasePath, err = s.Cases.CaseOf(ctx, r.ID); err != nil || d.CasePath != "" {
		return err
	}
	d.OpenCasePath = s.Cases.OpenPath(ctx, r.ID, r.CategoryCode)
	return nil
}
