package app

import (
	"context"

	"shequ/internal/facility"
	"shequ/internal/platform/errs"
	"shequ/internal/rating"
	"shequ/internal/worker"
)

// registerRatingSubjects makes the kinds of subject residents rate known
// to the rating slice: a facility in use, a community worker in post.
// Both are public on the community page, so they are read as the system;
// the rating slice keeps a resident to the subjects of their community.
// (project and proxy_case are registered where their slices are wired.)
func registerRatingSubjects(r *rating.Service, facilities *facility.Service, workers *worker.Service) {
	r.Register("facility", func(ctx context.Context, id int64) (rating.Subject, error) {
		f, err := facilities.Get(SystemContext(ctx), id)
		if err != nil {
			return rating.Subject{}, err
		}
		if f.Status != facility.InUse {
			return rating.Subject{}, errs.NotFound("rating.subject_not_found", "facility", id)
		}
		return rating.Subject{Name: f.Name, DivisionCode: f.DivisionCode}, nil
	})
	r.Register("worker", func(ctx context.Context, id int64) (rating.Subject, error) {
		w, err := workers.Get(SystemContext(ctx), id)
		if err != nil {
			return rating.Subject{}, err
		}
		if !w.InPost {
			return rating.Subject{}, errs.NotFound("rating.subject_not_found", "worker", id)
		}
		return rating.Subject{Name: w.Name + "（" + w.Post + "）", DivisionCode: w.CommunityCode}, nil
	})
}

// subjectOf adapts a slice's RatingSubject (name and community of a record,
// read as the rater: a resident reaches only what that slice lets them see)
// to a rating.SubjectFunc.
func subjectOf(f func(ctx context.Context, id int64) (name, divisionCode string, err error)) rating.SubjectFunc {
	return func(ctx context.Context, id int64) (rating.Subject, error) {
		name, code, err := f(ctx, id)
		if err != nil {
			return rating.Subject{}, err
		}
		return rating.Subject{Name: name, DivisionCode: code}, nil
	}
}
