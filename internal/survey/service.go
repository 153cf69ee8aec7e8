package survey

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// Who may do what in this slice.
var (
	// BuildRoles make questionnaires and open and close rounds.
	BuildRoles = []auth.Role{auth.TownshipStaff, auth.CountyStaff, auth.CityStaff}
	// ReadRoles read rounds and their results inside their area and enter
	// interviews.
	ReadRoles = auth.AreaStaff()
	// AnswerRoles answer a round online: the community's residents.
	AnswerRoles = []auth.Role{auth.Resident}
)

// CommunitiesSurveyed (survey.communities_surveyed@YYYY) is 1 for a
// community that a round closed in the year counted as surveyed (at least
// the round's minimum responses there): the numerator of
// satisfaction_survey_coverage.
const CommunitiesSurveyed = "survey.communities_surveyed"

// Measures kept by this slice.
var Measures = []measure.Def{{Name: CommunitiesSurveyed, Owner: "survey", Periodic: true}}

// CloseJob is the leased job that closes rounds past their last day.
const CloseJob = "survey.close_rounds"

// Service holds the rules of the satisfaction survey.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Measures *measure.Store
	Now      func() time.Time
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Measures: &measure.Store{DB: d}, Now: time.Now}
}

// Today is the date in China.
func (s *Service) Today() string { return s.Now().In(calendar.China).Format(DateLayout) }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// CreateQuestionnaire adds a questionnaire at a division of the caller's
// area (their own by default). Errors: EINVALID, EFORBIDDEN.
func (s *Service) CreateQuestionnaire(ctx context.Context, in QuestionnaireInput) (*Questionnaire, error) {
	p, err := auth.Require(ctx, BuildRoles...)
	if err != nil {
		return nil, err
	}
	q := in.normalize()
	if q.DivisionCode == "" {
		q.DivisionCode = p.Area.Code
	}
	bad := q.validate()
	if _, _, err := s.Store.division(ctx, q.DivisionCode); errs.Code(err) == errs.ENOTFOUND {
		bad.Add("division_code", "survey.division_not_found", q.DivisionCode)
	} else if err != nil {
		return nil, err
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var qid int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if qid, err = s.Store.insertQuestionnaire(ctx, &q, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "survey.questionnaire.create", ObjectType: "survey_questionnaire", ObjectID: id(qid),
			Detail: map[string]any{"division_code": q.DivisionCode, "title": q.Title, "questions": len(q.Questions)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Questionnaire(ctx, qid)
}

// Questionnaire returns a questionnaire kept inside the caller's area or
// above it. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Questionnaire(ctx context.Context, qid int64) (*Questionnaire, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	q, err := s.Store.questionnaire(ctx, qid)
	if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, "survey_questionnaires", qid) {
		s.Audit.Refused(ctx, "survey.questionnaire.read", "survey_questionnaire", qid, audit.OutsideArea)
	}
	return q, err
}

// Questionnaires lists the questionnaires the caller may use, newest
// first. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Questionnaires(ctx context.Context, q string, page, perPage int) ([]Questionnaire, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if len([]rune(q)) > 50 {
		return nil, false, errs.Invalid(errs.Field("q", "error.too_long", 50))
	}
	page, perPage = db.Paging(page, perPage)
	return s.Store.questionnaires(ctx, q, page, perPage)
}

// CreateRound opens a round of a questionnaire the caller may use, in a
// division of their area. Errors: EINVALID, EFORBIDDEN.
func (s *Service) CreateRound(ctx context.Context, in RoundInput) (*Round, error) {
	p, err := auth.Require(ctx, BuildRoles...)
	if err != nil {
		return nil, err
	}
	r := in.normalize()
	bad := r.validate()
	if r.QuestionnaireID > 0 {
		if _, err := s.Store.questionnaire(ctx, r.QuestionnaireID); errs.Code(err) == errs.ENOTFOUND {
			bad.Add("questionnaire_id", "survey.questionnaire_not_found", r.QuestionnaireID)
		} else if err != nil {
			return nil, err
		}
	}
	if r.DivisionCode != "" {
		if _, _, err := s.Store.division(ctx, r.DivisionCode); errs.Code(err) == errs.ENOTFOUND {
			bad.Add("division_code", "survey.division_not_found", r.DivisionCode)
		} else if err != nil {
			return nil, err
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var rid int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if rid, err = s.Store.insertRound(ctx, &r, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "survey.round.create", ObjectType: "survey_round", ObjectID: id(rid),
			Detail: map[string]any{"questionnaire_id": r.QuestionnaireID, "division_code": r.DivisionCode, "title": r.Title,
				"opens_on": r.OpensOn, "closes_on": r.ClosesOn, "min_responses": r.MinResponses}})
	})
	if err != nil {
		return nil, err
	}
	return s.Round(ctx, rid)
}

// Round returns a round that asks inside the caller's area or above it,
// with its responses inside the area. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Round(ctx context.Context, rid int64) (*Round, error) {
	if _, err := auth.Require(ctx, append(slices.Clone(ReadRoles), AnswerRoles...)...); err != nil {
		return nil, err
	}
	return s.round(ctx, rid, "survey.round.read")
}

func (s *Service) round(ctx context.Context, rid int64, action string) (*Round, error) {
	r, err := s.Store.round(ctx, rid)
	if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, "survey_rounds", rid) {
		s.Audit.Refused(ctx, action, "survey_round", rid, audit.OutsideArea)
	}
	return r, err
}

// Rounds lists the rounds the caller sees. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Rounds(ctx context.Context, f RoundFilter) ([]Round, bool, error) {
	if _, err := auth.Require(ctx, append(slices.Clone(ReadRoles), AnswerRoles...)...); err != nil {
		return nil, false, err
	}
	var bad errs.Fields
	if len([]rune(f.Q)) > 50 {
		bad.Add("q", "error.too_long", 50)
	}
	if f.Status != "" && f.Status != Open && f.Status != Closed {
		bad.Add("status", "error.one_of", Open+", "+Closed)
	}
	if err := bad.Err(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.rounds(ctx, f)
}

// Form is what a respondent needs: the round, its questions and whether
// the caller (a resident) has already answered.
type Form struct {
	Round     *Round     `json:"round"`
	Questions []Question `json:"questions"`
	Answered  bool       `json:"answered"`
	Accepting bool       `json:"accepting" doc:"open, and today is between its first and last day"`
}

// Form returns a round's questions. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Form(ctx context.Context, rid int64) (*Form, error) {
	p, err := auth.Require(ctx, append(slices.Clone(ReadRoles), AnswerRoles...)...)
	if err != nil {
		return nil, err
	}
	r, err := s.round(ctx, rid, "survey.round.read")
	if err != nil {
		return nil, err
	}
	qs, err := s.Store.questions(ctx, r.QuestionnaireID)
	if err != nil {
		return nil, err
	}
	f := &Form{Round: r, Questions: qs, Accepting: s.accepting(r)}
	if p.Role == auth.Resident {
		if f.Answered, err = s.Store.answered(ctx, rid, p.UserID); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (s *Service) accepting(r *Round) bool {
	today := s.Today()
	return r.Status == Open && r.OpensOn <= today && today <= r.ClosesOn
}

// Answer records a response to a round. A resident answers online for
// their own community, once per round; staff enter an interview held in
// person for a community of their area (their own by default), marked as
// an interview with their name and never the respondent's. The fact that
// an account answered is stored apart from the answers. Errors: EINVALID,
// ECONFLICT (answered already, or the round not taking answers),
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Answer(ctx context.Context, rid int64, in ResponseInput) error {
	p, err := auth.Require(ctx, append(slices.Clone(ReadRoles), AnswerRoles...)...)
	if err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.round(ctx, rid, "survey.answer")
		if err != nil {
			return err
		}
		if !s.accepting(r) {
			return errs.Conflict("survey.not_accepting")
		}
		channel, interviewer, community := Online, "", p.Area.Code
		if p.Role != auth.Resident {
			channel, interviewer = Interview, p.Display()
			switch {
			case in.Community != "":
				community = in.Community
			case division.Code(r.DivisionCode).Level() == division.Community:
				// A round of one community: the interview is there.
				community = r.DivisionCode
			}
		}
		var bad errs.Fields
		level, _, derr := s.Store.division(ctx, community)
		if derr != nil && errs.Code(derr) != errs.ENOTFOUND {
			return derr
		}
		if derr != nil || level != division.Community || !strings.HasPrefix(community, division.Code(r.DivisionCode).Prefix()) {
			bad.Add("community", "survey.community_outside", community)
		}
		qs, err := s.Store.questions(ctx, r.QuestionnaireID)
		if err != nil {
			return err
		}
		as, fbad := check(qs, in.Answers)
		bad = append(bad, fbad...)
		if err := bad.Err(); err != nil {
			return err
		}
		if channel == Online {
			fresh, err := s.Store.markRespondent(ctx, rid, p.UserID)
			if err != nil {
				return err
			}
			if !fresh {
				return errs.Conflict("survey.answered_already")
			}
		}
		if err := s.Store.insertResponse(ctx, rid, r.MinResponses, community, channel, interviewer, s.Today(), as); err != nil {
			return err
		}
		// The audit names the round and the community, never the answers.
		return s.Audit.Write(ctx, audit.Entry{Action: "survey.answer", ObjectType: "survey_round", ObjectID: id(rid),
			Detail: map[string]any{"community": community, "channel": channel}})
	})
}

// Close closes an open round early (staff whose area holds the round) and
// counts the communities it surveyed. Errors: ECONFLICT (closed already),
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Close(ctx context.Context, rid int64) (*Round, error) {
	p, err := auth.Require(ctx, BuildRoles...)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.round(ctx, rid, "survey.round.close")
		if err != nil {
			return err
		}
		if !p.Area.Contains(r.DivisionCode) && p.Role != auth.System {
			s.Audit.Refused(ctx, "survey.round.close", "survey_round", rid, audit.OutsideArea)
			return errs.NotFound("survey.round_not_found", rid)
		}
		if r.Status != Open {
			return errs.Conflict("survey.closed_already")
		}
		on := s.Today()
		if on > r.ClosesOn {
			on = r.ClosesOn
		}
		return s.close(ctx, r, on, p.Name, false)
	})
	if err != nil {
		return nil, err
	}
	return s.Round(ctx, rid)
}

// close closes a round on a day in ctx's transaction, sets the surveyed
// communities of that day's year and audits it.
func (s *Service) close(ctx context.Context, r *Round, on, actor string, job bool) error {
	if err := s.Store.close(ctx, r.ID, on, actor); err != nil {
		return err
	}
	lo, hi := division.Code(r.DivisionCode).Range()
	covered, err := s.Store.covered(ctx, on[:4], r.ID, lo, hi)
	if err != nil {
		return err
	}
	key := measure.Key(CommunitiesSurveyed, on[:4])
	for _, c := range covered {
		if err := s.Measures.Set(ctx, key, c, 1); err != nil {
			return err
		}
	}
	return s.Audit.Write(ctx, audit.Entry{Action: "survey.round.close", ObjectType: "survey_round", ObjectID: id(r.ID),
		Detail: map[string]any{"closed_on": on, "by_job": job, "communities_surveyed": len(covered)}})
}

// CloseDue closes every open round whose last day has passed, on that
// day, as the system (the job). It returns how many it closed.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	if _, err := auth.Require(ctx); err != nil {
		return 0, err
	}
	ids, err := s.Store.due(ctx, s.Today())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, rid := range ids {
		err := s.DB.WithTx(ctx, func(ctx context.Context) error {
			r, err := s.Store.round(ctx, rid)
			if err != nil || r.Status != Open {
				return err
			}
			n++
			return s.close(ctx, r, r.ClosesOn, "system", true)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Reconcile brings survey.communities_surveyed of every year in which a
// round closed in line with the rounds (after a bulk load, or to repair).
func (s *Service) Reconcile(ctx context.Context, rebuild bool) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		years, err := s.Store.closedYears(ctx)
		if err != nil {
			return err
		}
		want := map[string]map[string]int64{}
		for _, y := range years {
			codes, err := s.Store.covered(ctx, y, 0, "000000000000", "999999999999")
			if err != nil {
				return err
			}
			m := map[string]int64{}
			for _, c := range codes {
				m[c] = 1
			}
			want[measure.Key(CommunitiesSurveyed, y)] = m
		}
		return s.Measures.Reconcile(ctx, want, rebuild)
	})
}

// Load adds many responses to a round in one transaction, each checked and
// stored as Answer stores an interview (channel interview, interviewer
// "demo"), without marking accounts: the demo and the benchmarks. Only the
// system may load. Errors: EINVALID (naming the response's position as its
// row), ENOTFOUND, EFORBIDDEN.
func (s *Service) Load(ctx context.Context, rid int64, responses []ResponseInput, on string) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Store.round(ctx, rid)
		if err != nil {
			return err
		}
		qs, err := s.Store.questions(ctx, r.QuestionnaireID)
		if err != nil {
			return err
		}
		prefix := division.Code(r.DivisionCode).Prefix()
		rs := make([]loaded, 0, len(responses))
		for i, in := range responses {
			as, bad := check(qs, in.Answers)
			if !strings.HasPrefix(in.Community, prefix) || !division.ValidCode(in.Community) {
				bad.Add("community", "survey.community_outside", in.Community)
			}
			if len(bad) > 0 {
				for j := range bad {
					bad[j].Row = i + 1
				}
				return bad.Err()
			}
			rs = append(rs, loaded{community: in.Community, answers: as})
		}
		if err := s.Store.loadResponses(ctx, rid, r.MinResponses, "demo", on, rs); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "survey.load", ObjectType: "survey_round", ObjectID: id(rid),
			Detail: map[string]int{"responses": len(responses)}})
	})
}
