package assessment

import (
	"context"
	"math"
	"slices"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
)

// Start opens the caller's community's assessment of a year under the
// scheme that covers it (its county's, else the city's). Errors: ENOTFOUND
// (no open scheme), ECONFLICT (started already), EFORBIDDEN.
func (s *Service) Start(ctx context.Context, year int) (*Assessment, error) {
	p, err := auth.Require(ctx, SelfRoles...)
	if err != nil {
		return nil, err
	}
	code := p.Area.Code
	if !division.ValidCode(code) || division.Code(code).Level() != division.Community {
		return nil, errs.E(errs.EFORBIDDEN, "error.forbidden")
	}
	var aid int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		c := division.Code(code)
		sid, err := s.Store.schemeFor(ctx, c.County(), c.At(division.City), year)
		if err != nil {
			return err
		}
		sc, err := s.Store.scheme(ctx, sid)
		if err != nil {
			return err
		}
		if sc.State != Open {
			return errs.Conflict("assessment.scheme_closed")
		}
		if aid, err = s.Store.insertAssessment(ctx, sid, year, code, sc.Items, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "assessment.start", ObjectType: "assessment", ObjectID: id(aid),
			Detail: map[string]any{"scheme_id": sid, "year": year, "community_code": code}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, aid)
}

// Get returns an assessment of the caller's area with how each item's
// points were made; computed items not frozen yet are computed as of now.
// Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Get(ctx context.Context, aid int64) (*Assessment, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	a, err := s.get(ctx, aid, "assessment.read")
	if err != nil {
		return nil, err
	}
	return a, s.fill(ctx, a, true)
}

func (s *Service) get(ctx context.Context, aid int64, action string) (*Assessment, error) {
	a, err := s.Store.assessment(ctx, aid)
	return a, s.Audit.RefusedOutside(ctx, err, action, "assessment", aid, s.Store.assessmentExists)
}

// frozen is whether the computed items' values are frozen (at review).
func frozen(state string) bool { return state == Reviewed || state == Approved }

// fill reads the scores and, with live, computes the computed items that
// are not frozen; Live is the sum of the points.
func (s *Service) fill(ctx context.Context, a *Assessment, live bool) error {
	sc, err := s.Store.scores(ctx, a.ID)
	if err != nil {
		return err
	}
	a.Scores, a.Live = sc, 0
	for i := range a.Scores {
		c := &a.Scores[i]
		if c.Item.Method == Computed {
			c.Frozen = frozen(a.State)
			if !c.Frozen && live {
				v, err := s.value(ctx, c.Item.Metric, a.CommunityCode, a.Year)
				if err != nil {
					return err
				}
				pts := c.Item.Points(v)
				c.Value, c.Points = v, &pts
			}
		}
		if c.Points != nil {
			a.Live += *c.Points
		}
	}
	a.Live = round2(a.Live)
	return nil
}

func (s *Service) value(ctx context.Context, metric, community string, year int) (*float64, error) {
	if s.Source == nil {
		return nil, nil
	}
	return s.Source.Value(ctx, metric, community, year)
}

// List returns one page of the assessments of the caller's area. Errors:
// EINVALID, EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]Assessment, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	f.Q = strings.TrimSpace(f.Q)
	var bad errs.Fields
	if len([]rune(f.Q)) > 50 {
		bad.Add("q", "error.too_long", 50)
	}
	if !validState(f.State) {
		bad.Add("state", "error.one_of", strings.Join(states, ", "))
	}
	if err := bad.Err(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.list(ctx, f)
}

// score finds an item's score in a, or ENOTFOUND.
func score(a *Assessment, item int64) (*AssessmentScore, error) {
	i := slices.IndexFunc(a.Scores, func(c AssessmentScore) bool { return c.Item.ID == item })
	if i < 0 {
		return nil, errs.NotFound("assessment.item_not_found", item)
	}
	return &a.Scores[i], nil
}

// editable reads an assessment for a hand score: the community's worker
// while it self-assesses (or was returned), the township's staff while it
// awaits review. self tells which.
func (s *Service) editable(ctx context.Context, aid int64, action string) (a *Assessment, self bool, err error) {
	p, err := auth.Require(ctx, append(slices.Clone(SelfRoles), ReviewRoles...)...)
	if err != nil {
		return nil, false, err
	}
	if a, err = s.get(ctx, aid, action); err != nil {
		return nil, false, err
	}
	self = p.Role == auth.CommunityWorker
	switch {
	case self && a.State != SelfAssessing && a.State != Returned:
		return nil, false, errs.Conflict("assessment.not_self_assessing")
	case !self && a.State != Submitted:
		return nil, false, errs.Conflict("assessment.not_submitted")
	}
	if err := s.fill(ctx, a, false); err != nil {
		return nil, false, err
	}
	return a, self, nil
}

// ScoreHand scores a hand item: the community its own score while it
// self-assesses, the township the final score at review (a change from
// the community's score needs a reason). Points lie between 0 and the
// item's weight. An evidence image f (checked and re-encoded by
// platform/upload), when given, is kept with the item in the same
// transaction. Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) ScoreHand(ctx context.Context, aid, item int64, in AssessmentHandInput, f *upload.File) (*Assessment, error) {
	in.Note, in.Reason = strings.TrimSpace(in.Note), strings.TrimSpace(in.Reason)
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, self, err := s.editable(ctx, aid, "assessment.score")
		if err != nil {
			return err
		}
		c, err := score(a, item)
		if err != nil {
			return err
		}
		var bad errs.Fields
		if c.Item.Method != Hand {
			return errs.Invalid(errs.Field("points", "assessment.computed_item"))
		}
		if in.Points < 0 || in.Points > float64(c.Item.Weight) || math.IsNaN(in.Points) {
			bad.Add("points", "assessment.points_range", c.Item.Weight)
		}
		if len([]rune(in.Note)) > 1000 {
			bad.Add("note", "error.too_long", 1000)
		}
		if len([]rune(in.Reason)) > 500 {
			bad.Add("change_reason", "error.too_long", 500)
		}
		pts := round2(in.Points)
		changed := !self && (c.SelfPoints == nil || *c.SelfPoints != pts)
		if changed && in.Reason == "" {
			bad.Add("change_reason", "assessment.reason_required")
		}
		if self {
			in.Reason = ""
		}
		if f != nil && len(c.Evidence) >= MaxEvidence {
			bad.Add("evidence", "assessment.too_much_evidence", MaxEvidence)
		}
		if err := bad.Err(); err != nil {
			return err
		}
		detail := map[string]any{"item_id": item, "points": pts, "self": self, "reason": in.Reason}
		if f != nil {
			bid, err := s.Blobs.Put(ctx, EvidenceOwner, a.CommunityCode, f)
			if err != nil {
				return err
			}
			if err := s.Store.addEvidence(ctx, aid, item, bid); err != nil {
				return err
			}
			detail["blob_id"], detail["sha256"] = bid, f.SHA256
		}
		note := in.Note
		if note == "" {
			note = c.Note
		}
		p := auth.From(ctx)
		if err := s.Store.scoreHand(ctx, aid, item, pts, self, note, in.Reason, p.Display(), s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "assessment.score", ObjectType: "assessment", ObjectID: id(aid), Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, aid)
}

// EvidenceImage returns an evidence image of an assessment the caller may
// read. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) EvidenceImage(ctx context.Context, aid, blob int64) (*upload.Blob, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	if _, err := s.get(ctx, aid, "assessment.read"); err != nil {
		return nil, err
	}
	ev, err := s.Store.evidence(ctx, aid)
	if err != nil {
		return nil, err
	}
	for _, ids := range ev {
		if slices.Contains(ids, blob) {
			return s.Blobs.Load(ctx, EvidenceOwner, blob)
		}
	}
	return nil, errs.NotFound("error.not_found")
}

// Submit sends the community's self-assessment to its township; every
// hand item needs the community's score. Errors: EINVALID, ECONFLICT,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Submit(ctx context.Context, aid int64) (*Assessment, error) {
	p, err := auth.Require(ctx, SelfRoles...)
	if err != nil {
		return nil, err
	}
	return s.move(ctx, aid, "assessment.submit", func(ctx context.Context, a *Assessment) error {
		if err := s.fill(ctx, a, false); err != nil {
			return err
		}
		if err := unscored(a); err != nil {
			return err
		}
		return s.Store.step(ctx, aid, []string{SelfAssessing, Returned}, Submitted, map[string]any{
			"submitted_by": p.UserID, "submitter": p.Display(), "submitted_at": s.now()})
	})
}

// unscored refuses an assessment with a hand item that has no points.
func unscored(a *Assessment) error {
	var bad errs.Fields
	for _, c := range a.Scores {
		if c.Item.Method == Hand && c.Points == nil {
			bad.Add("points", "assessment.unscored", c.Item.Name)
		}
	}
	return bad.Err()
}

// Review ends the township's review: computed items are recomputed and
// frozen, and the total is the sum of the points. Whoever submitted it may
// not review it. Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) Review(ctx context.Context, aid int64) (*Assessment, error) {
	p, err := auth.Require(ctx, ReviewRoles...)
	if err != nil {
		return nil, err
	}
	return s.move(ctx, aid, "assessment.review", func(ctx context.Context, a *Assessment) error {
		if a.submittedBy == p.UserID {
			return errs.Conflict("assessment.four_eyes")
		}
		if err := s.fill(ctx, a, false); err != nil {
			return err
		}
		if err := unscored(a); err != nil {
			return err
		}
		total, now := 0.0, s.now()
		for _, c := range a.Scores {
			if c.Item.Method == Computed {
				v, err := s.value(ctx, c.Item.Metric, a.CommunityCode, a.Year)
				if err != nil {
					return err
				}
				pts := c.Item.Points(v)
				if err := s.Store.freeze(ctx, aid, c.Item.ID, v, pts, p.Display(), now); err != nil {
					return err
				}
				total += pts
			} else {
				total += *c.Points
			}
		}
		return s.Store.step(ctx, aid, []string{Submitted}, Reviewed, map[string]any{
			"total": round2(total), "reviewed_by": p.UserID, "reviewer": p.Display(), "reviewed_at": now})
	})
}

// Approve approves a reviewed assessment of the caller's county. Whoever
// submitted or reviewed it may not approve it. Errors: ECONFLICT,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Approve(ctx context.Context, aid int64) (*Assessment, error) {
	p, err := auth.Require(ctx, ApproveRoles...)
	if err != nil {
		return nil, err
	}
	return s.move(ctx, aid, "assessment.approve", func(ctx context.Context, a *Assessment) error {
		if a.submittedBy == p.UserID || a.reviewedBy == p.UserID {
			return errs.Conflict("assessment.four_eyes")
		}
		return s.Store.step(ctx, aid, []string{Reviewed}, Approved, map[string]any{
			"approved_by": p.UserID, "approver": p.Display(), "approved_at": s.now(), "return_reason": ""})
	})
}

// Return sends a reviewed assessment back to its community with a reason;
// it is self-assessed, reviewed and approved again. Errors: EINVALID,
// ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) Return(ctx context.Context, aid int64, reason string) (*Assessment, error) {
	if _, err := auth.Require(ctx, ApproveRoles...); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, errs.Invalid(errs.Field("return_reason", "error.required"))
	case len([]rune(reason)) > 500:
		return nil, errs.Invalid(errs.Field("return_reason", "error.too_long", 500))
	}
	return s.move(ctx, aid, "assessment.return", func(ctx context.Context, a *Assessment) error {
		return s.Store.step(ctx, aid, []string{Reviewed}, Returned, map[string]any{"return_reason": reason, "total": nil})
	})
}

// move runs one step of the workflow on an assessment of the caller's
// area in one transaction with its audit record.
func (s *Service) move(ctx context.Context, aid int64, action string, fn func(ctx context.Context, a *Assessment) error) (*Assessment, error) {
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.get(ctx, aid, action)
		if err != nil {
			return err
		}
		if err := fn(ctx, a); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "assessment", ObjectID: id(aid),
			Detail: map[string]any{"community_code": a.CommunityCode, "year": a.Year, "from": a.State}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, aid)
}
