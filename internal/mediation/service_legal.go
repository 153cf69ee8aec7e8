package mediation

import (
	"context"
	"strings"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

// CreateAdviser adds a community's legal adviser. Errors: EINVALID, EFORBIDDEN.
func (s *Service) CreateAdviser(ctx context.Context, in AdviserInput) (*Adviser, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		in.Name, in.Firm, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Firm), strings.TrimSpace(in.Phone)
		in.TermFrom, in.TermTo = strings.TrimSpace(in.TermFrom), strings.TrimSpace(in.TermTo)
		var bad errs.Fields
		if in.CommunityCode == "" {
			bad.Add("community_code", "error.required")
		}
		text(&bad, "name", in.Name, maxName)
		text(&bad, "firm", in.Firm, 100)
		if in.Phone == "" {
			bad.Add("phone", "error.required")
		} else if !phoneRE.MatchString(in.Phone) {
			bad.Add("phone", "mediation.phone_invalid")
		}
		term(&bad, in.TermFrom, in.TermTo)
		if err := s.checkCommunity(ctx, in.CommunityCode, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if id, err = s.Store.insertAdviser(ctx, &in, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.adviser.create", ObjectType: "mediation.adviser", ObjectID: id10(id),
			Detail: map[string]string{"community_code": in.CommunityCode, "name": in.Name, "firm": in.Firm, "phone": pii.Mask(in.Phone),
				"term_from": in.TermFrom, "term_to": in.TermTo}})
	})
	if err != nil {
		return nil, err
	}
	return s.Adviser(ctx, id)
}

// Adviser returns an adviser. Errors: ENOTFOUND (audited outside the area), EFORBIDDEN.
func (s *Service) Adviser(ctx context.Context, id int64) (*Adviser, error) {
	return readOne(s, ctx, id, "adviser", s.Store.adviser)
}

// Advisers lists the advisers in the caller's area (under code when given).
func (s *Service) Advisers(ctx context.Context, code, q string, page, perPage int) ([]Adviser, bool, error) {
	return listIn(s, ctx, code, q, page, perPage, s.Store.advisers)
}

// LogService logs a service of an adviser. Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) LogService(ctx context.Context, adviserID int64, in ServiceInput) (*AdviserService, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	var out *AdviserService
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.Store.adviser(ctx, adviserID)
		if err != nil {
			s.refused(ctx, err, "mediation.adviser.service", "adviser", adviserID)
			return err
		}
		in.On, in.Kind, in.Note = strings.TrimSpace(in.On), strings.TrimSpace(in.Kind), strings.TrimSpace(in.Note)
		var bad errs.Fields
		date(&bad, "on", in.On, s.Today())
		oneOf(&bad, "kind", in.Kind, ServiceKinds)
		switch {
		case in.People < 1:
			bad.Add("people", "mediation.people_positive")
		case in.People > maxPeople:
			bad.Add("people", "mediation.people_too_many", maxPeople)
		}
		if len([]rune(in.Note)) > maxText {
			bad.Add("note", "error.too_long", maxText)
		}
		if err := bad.Err(); err != nil {
			return err
		}
		id, err := s.Store.insertService(ctx, a, &in, p.Name, s.now())
		if err != nil {
			return err
		}
		out = &AdviserService{ID: id, AdviserID: a.ID, AdviserName: a.Name, CommunityCode: a.CommunityCode, CommunityName: a.CommunityName,
			On: in.On, Kind: in.Kind, People: in.People, Note: in.Note}
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.adviser.service", ObjectType: "mediation.adviser", ObjectID: id10(adviserID),
			Detail: map[string]any{"service": id, "on": in.On, "kind": in.Kind, "people": in.People}})
	})
	return out, err
}

// Services lists a page of advisers' services in the caller's area
// (under code, of one adviser when given).
func (s *Service) Services(ctx context.Context, code string, adviserID int64, page, perPage int) ([]AdviserService, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := s.checkArea(ctx, code); err != nil {
		return nil, false, err
	}
	page, perPage = db.Paging(page, perPage)
	return s.Store.services(ctx, code, adviserID, page, perPage)
}

// CreateLiterate adds a legal-literate villager to a community's roster.
func (s *Service) CreateLiterate(ctx context.Context, in LiterateInput) (*Literate, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		in.Name = strings.TrimSpace(in.Name)
		var bad errs.Fields
		if in.CommunityCode == "" {
			bad.Add("community_code", "error.required")
		}
		text(&bad, "name", in.Name, maxName)
		if err := s.checkCommunity(ctx, in.CommunityCode, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if id, err = s.Store.insertLiterate(ctx, &in, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.literate.create", ObjectType: "mediation.literate", ObjectID: id10(id),
			Detail: map[string]string{"community_code": in.CommunityCode, "name": in.Name}})
	})
	if err != nil {
		return nil, err
	}
	return s.Literate(ctx, id)
}

// Literate returns a legal-literate villager with the training records.
func (s *Service) Literate(ctx context.Context, id int64) (*Literate, error) {
	return readOne(s, ctx, id, "literate", s.Store.literate)
}

// Literates lists the legal-literate villagers in the caller's area.
func (s *Service) Literates(ctx context.Context, code, q string, page, perPage int) ([]Literate, bool, error) {
	return listIn(s, ctx, code, q, page, perPage, s.Store.literates)
}

// AddTraining records a training of a legal-literate villager.
func (s *Service) AddTraining(ctx context.Context, id int64, in LiterateTrainingInput) (*Literate, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		l, err := s.Store.literate(ctx, id)
		if err != nil {
			s.refused(ctx, err, "mediation.literate.training", "literate", id)
			return err
		}
		in.On, in.Course = strings.TrimSpace(in.On), strings.TrimSpace(in.Course)
		var bad errs.Fields
		date(&bad, "on", in.On, s.Today())
		text(&bad, "course", in.Course, maxCourse)
		if in.Hours < 1 || in.Hours > maxHours {
			bad.Add("hours", "mediation.hours_range", maxHours)
		}
		if err := bad.Err(); err != nil {
			return err
		}
		tid, err := s.Store.insertTraining(ctx, l, &in, p.Name, s.now())
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.literate.training", ObjectType: "mediation.literate", ObjectID: id10(id),
			Detail: map[string]any{"training": tid, "on": in.On, "course": in.Course, "hours": in.Hours}})
	})
	if err != nil {
		return nil, err
	}
	return s.Literate(ctx, id)
}

// Figures returns the figures of a division in the caller's area (the
// caller's own area when code is empty) and of each division under it.
func (s *Service) Figures(ctx context.Context, code string) (*MediationFigures, []MediationFigures, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, nil, err
	}
	if code == "" {
		code = p.Area.Code
	}
	name, err := s.Store.divisionName(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	return s.Store.figures(ctx, code, name, s.Today())
}
