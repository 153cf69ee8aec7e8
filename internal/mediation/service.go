package mediation

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/lookup"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/upload"
)

// Who may do what in this slice.
var (
	// ReadRoles may read committees, cases (parties masked), advisers,
	// legal-literate villagers and the figures in their area.
	ReadRoles = auth.AreaStaff()
	// EditRoles keep them: open cases, log steps, record outcomes,
	// follow up and close (never a case they mediated).
	EditRoles = auth.OfficeStaff()
	// RevealRoles may see a case's parties unmasked, with a reason.
	RevealRoles = auth.OfficeStaff()
)

// WorkerOption is a community worker offered as a mediator.
type WorkerOption struct {
	ID   int64
	Name string
}

// Workers is the community workers' roster as this slice reads it
// (adapted in internal/app over the worker slice).
type Workers interface {
	// Worker returns the name and community of a worker inside the
	// caller's area. Errors: ENOTFOUND.
	Worker(ctx context.Context, id int64) (name, communityCode string, err error)
	// InPost lists the workers in post at a community, to pick from.
	InPost(ctx context.Context, communityCode string) ([]WorkerOption, error)
}

// RequestInfo is what a case takes from the resident request it is
// opened from.
type RequestInfo struct {
	ID           int64
	Number       string
	DivisionCode string
	CategoryCode string
	Title        string
	Description  string
	ContactName  string // empty when the resident asked to stay anonymous
}

// Requests reads resident requests as the caller may see them (adapted
// in internal/app over the request service).
type Requests interface {
	// Request returns a request the caller may read. Errors: ENOTFOUND.
	Request(ctx context.Context, id int64) (*RequestInfo, error)
}

// DisputeCategory is the request catalogue's category of disputes; a
// request in it or under it (dispute.neighbour, …) may become a case.
const DisputeCategory = "dispute"

// categoryKinds is the kind of dispute a request category suggests when
// the case's kind is not given.
var categoryKinds = map[string]string{"dispute.neighbour": "neighbours", "dispute.wages": "labour"}

// IsDispute reports whether a request category is a dispute category.
func IsDispute(category string) bool {
	return category == DisputeCategory || strings.HasPrefix(category, DisputeCategory+".")
}

// Service holds the rules of people's mediation and legal services.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Blobs    *upload.Store
	Copies   upload.Config // the scanned agreement
	Workers  Workers
	Requests Requests
	Search   *lookup.Guard // cases by a party's whole ID number
	Now      func() time.Time
}

// NewService makes the service; Workers and Requests are set by the
// composition root.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring) *Service {
	return &Service{DB: d, Store: &Store{DB: d, Keys: keys}, Audit: a, Blobs: upload.NewStore(d),
		Copies: upload.Config{MaxBytes: 8 << 20, Types: []string{upload.JPEG, upload.PNG}}, Search: lookup.New(d, a, keys), Now: time.Now}
}

// Today is today's date in China.
func (s *Service) Today() string { return s.Now().In(calendar.China).Format(DateLayout) }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func id10(id int64) string { return strconv.FormatInt(id, 10) }

// refused audits a read or change of a record outside the caller's area.
func (s *Service) refused(ctx context.Context, err error, action, kind string, id int64) {
	if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, kind, id) {
		s.Audit.Refused(ctx, action, "mediation."+kind, id, audit.OutsideArea)
	}
}

// checkCommunity adds a field error unless code is a community in the
// caller's area.
func (s *Service) checkCommunity(ctx context.Context, code string, bad *errs.Fields) error {
	if code == "" {
		return nil
	}
	ok, err := s.Store.community(ctx, code)
	if err != nil {
		return err
	}
	if !ok {
		bad.Add("community_code", "mediation.community_not_found", code)
	}
	return nil
}

// --- committees ---

// CreateCommittee adds a community's mediation committee.
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) CreateCommittee(ctx context.Context, in CommitteeInput) (*Committee, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		bad := in.check(s.Today())
		if in.CommunityCode == "" {
			bad.Add("community_code", "error.required")
		}
		if err := s.checkCommunity(ctx, in.CommunityCode, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if id, err = s.Store.insertCommittee(ctx, &in, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.committee.create", ObjectType: "mediation.committee", ObjectID: id10(id),
			Detail: map[string]string{"community_code": in.CommunityCode, "name": in.Name, "chair": in.Chair, "established_on": in.EstablishedOn}})
	})
	if err != nil {
		return nil, err
	}
	return s.Committee(ctx, id)
}

// Committee returns a committee with its mediators. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Committee(ctx context.Context, id int64) (*Committee, error) {
	return readOne(s, ctx, id, "committee", s.Store.committee)
}

// Committees lists the committees in the caller's area (under code when given).
func (s *Service) Committees(ctx context.Context, code, q string, page, perPage int) ([]Committee, bool, error) {
	return listIn(s, ctx, code, q, page, perPage, s.Store.committees)
}

// readOne reads one record of a kind for the area staff who may read it; a
// record outside the caller's area is ENOTFOUND, and the refusal is audited.
func readOne[T any](s *Service, ctx context.Context, id int64, kind string, get func(context.Context, int64) (*T, error)) (*T, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	v, err := get(ctx, id)
	s.refused(ctx, err, "mediation."+kind+".read", kind, id)
	return v, err
}

// listIn lists a kind's records in the caller's area, under code when given,
// whose name contains q, a page at a time.
func listIn[T any](s *Service, ctx context.Context, code, q string, page, perPage int,
	list func(ctx context.Context, code, q string, page, perPage int) ([]T, bool, error)) ([]T, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := s.checkArea(ctx, code); err != nil {
		return nil, false, err
	}
	page, perPage = db.Paging(page, perPage)
	q, err := query(q)
	if err != nil {
		return nil, false, err
	}
	return list(ctx, code, q, page, perPage)
}

// checkArea checks a division filter: empty, or a division in the caller's area.
func (s *Service) checkArea(ctx context.Context, code string) error {
	if code == "" {
		return nil
	}
	_, err := s.Store.divisionName(ctx, code)
	return err
}

// AddMediator adds a mediator to a committee: a worker of the
// committee's community, or a named volunteer. Errors: EINVALID,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) AddMediator(ctx context.Context, committeeID int64, in MediatorInput) (*Committee, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.Store.committee(ctx, committeeID)
		if err != nil {
			s.refused(ctx, err, "mediation.mediator.add", "committee", committeeID)
			return err
		}
		var bad errs.Fields
		in.Name, in.TermFrom, in.TermTo = strings.TrimSpace(in.Name), strings.TrimSpace(in.TermFrom), strings.TrimSpace(in.TermTo)
		if in.WorkerID > 0 {
			name, code, err := s.Workers.Worker(ctx, in.WorkerID)
			switch {
			case errs.Code(err) == errs.ENOTFOUND || (err == nil && code != c.CommunityCode):
				bad.Add("worker_id", "mediation.worker_elsewhere")
			case err != nil:
				return err
			default:
				in.Name = name
			}
		} else {
			text(&bad, "name", in.Name, maxName)
		}
		term(&bad, in.TermFrom, in.TermTo)
		if err := bad.Err(); err != nil {
			return err
		}
		id, err := s.Store.insertMediator(ctx, c, &in, p.Name, s.now())
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.mediator.add", ObjectType: "mediation.committee", ObjectID: id10(committeeID),
			Detail: map[string]any{"mediator": id, "name": in.Name, "worker_id": in.WorkerID, "term_from": in.TermFrom, "term_to": in.TermTo}})
	})
	if err != nil {
		return nil, err
	}
	return s.Committee(ctx, committeeID)
}

// WorkersIn lists the workers in post at a community in the caller's
// area, to choose a mediator from.
func (s *Service) WorkersIn(ctx context.Context, code string) ([]WorkerOption, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	if err := s.checkArea(ctx, code); err != nil {
		return nil, err
	}
	return s.Workers.InPost(ctx, code)
}

// --- cases ---

// CanRevealParties reports whether the caller may reveal parties.
func CanRevealParties(p *auth.Principal) bool {
	return p != nil && slices.Contains(RevealRoles, p.Role)
}

// checkMediators checks that each mediator is of the community and in term today.
func (s *Service) checkMediators(ctx context.Context, code string, ids []int64, bad *errs.Fields) error {
	ms, err := s.Store.communityMediators(ctx, code)
	if err != nil {
		return err
	}
	today := s.Today()
	for _, id := range ids {
		i := slices.IndexFunc(ms, func(m Mediator) bool { return m.ID == id })
		if i < 0 || ms[i].TermFrom > today || ms[i].TermTo < today {
			bad.Add("mediator_ids", "mediation.mediator_not_here", id)
		}
	}
	return nil
}

// OpenCase opens a case with its parties and mediators.
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) OpenCase(ctx context.Context, in MediationCaseInput) (*MediationCase, error) {
	return s.open(ctx, in, nil)
}

func (s *Service) open(ctx context.Context, in MediationCaseInput, req *RequestInfo) (*MediationCase, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		bad := in.check()
		if len(in.Parties) == 0 {
			bad.Add("parties", "error.required")
		}
		if err := s.checkCommunity(ctx, in.CommunityCode, &bad); err != nil {
			return err
		}
		if err := s.checkMediators(ctx, in.CommunityCode, in.MediatorIDs, &bad); err != nil {
			return err
		}
		var reqID *int64
		number := ""
		if req != nil {
			taken, err := s.Store.requestTaken(ctx, req.ID)
			if err != nil {
				return err
			}
			if taken {
				return errs.Conflict("mediation.request_taken")
			}
			reqID, number = &req.ID, req.Number
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if id, err = s.Store.insertCase(ctx, &in, reqID, number, p.Name, s.now()); err != nil {
			return err
		}
		for i := range in.Parties {
			if err := s.Store.insertParty(ctx, id, &in.Parties[i]); err != nil {
				return err
			}
		}
		for _, m := range in.MediatorIDs {
			if err := s.Store.assign(ctx, id, m); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.case.open", ObjectType: "mediation.case", ObjectID: id10(id),
			Detail: map[string]any{"community_code": in.CommunityCode, "kind": in.Kind, "parties": len(in.Parties),
				"mediators": in.MediatorIDs, "request_number": number}})
	})
	if err != nil {
		return nil, err
	}
	return s.Case(ctx, id)
}

// OpenFromRequest opens a case from a resident request in a dispute
// category: the case keeps the request's number, its community and its
// text as the summary; the resident who asked (unless anonymous) is the
// first party. One case per request. Errors: EINVALID (not a dispute),
// ECONFLICT (already a case), ENOTFOUND, EFORBIDDEN.
func (s *Service) OpenFromRequest(ctx context.Context, requestID int64, kind string, mediatorIDs []int64) (*MediationCase, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	req, err := s.Requests.Request(ctx, requestID)
	if err != nil {
		return nil, err
	}
	if !IsDispute(req.CategoryCode) {
		return nil, errs.Invalid(errs.Field("request", "mediation.not_a_dispute"))
	}
	summary := strings.TrimSpace(req.Title + "\n" + req.Description)
	if r := []rune(summary); len(r) > maxText {
		summary = string(r[:maxText])
	}
	if kind == "" {
		kind = categoryKinds[req.CategoryCode]
	}
	if kind == "" {
		kind = "other"
	}
	in := MediationCaseInput{CommunityCode: req.DivisionCode, Kind: kind, Summary: summary, MediatorIDs: mediatorIDs}
	name := strings.TrimSpace(req.ContactName)
	if name == "" {
		name = "（匿名）"
	}
	in.Parties = []CasePartyInput{{Name: name}}
	return s.open(ctx, in, req)
}

// Case returns a case with its parties masked, mediators and steps.
// Errors: ENOTFOUND (audited when outside the area), EFORBIDDEN.
func (s *Service) Case(ctx context.Context, id int64) (*MediationCase, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	c, err := s.Store.getCase(ctx, id)
	if err != nil {
		s.refused(ctx, err, "mediation.case.read", "case", id)
		return nil, err
	}
	return c, s.Store.parts(ctx, c)
}

// Cases lists a page of cases in the caller's area, newest first.
func (s *Service) Cases(ctx context.Context, f CaseFilter) ([]MediationCase, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	if err := s.checkArea(ctx, f.Division); err != nil {
		return nil, false, err
	}
	if f.IDNumber != "" {
		n, ok := lookup.WholeIDNumber(f.IDNumber, s.Now())
		if !ok {
			return nil, false, errs.Invalid(errs.Field("id_number", "lookup.id_whole"))
		}
		f.IDNumber = n
		if err := s.Search.Allow(ctx, "mediation.case.search", "mediation.case", []lookup.Term{{Field: "id_number", Value: n}}, f.Reason); err != nil {
			return nil, false, err
		}
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.cases(ctx, f)
}

// CaseOfRequest returns the case opened from a request inside the
// caller's area (0 when none).
func (s *Service) CaseOfRequest(ctx context.Context, requestID int64) (int64, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return 0, nil
	}
	return s.Store.caseOfRequest(ctx, requestID)
}

// change runs fn on a case locked in a transaction and audits it.
func (s *Service) change(ctx context.Context, id int64, action string, fn func(ctx context.Context, c *MediationCase, p *auth.Principal) (any, error)) (*MediationCase, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.Store.getCase(ctx, id)
		if err != nil {
			s.refused(ctx, err, action, "case", id)
			return err
		}
		detail, err := fn(ctx, c, p)
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "mediation.case", ObjectID: id10(id), Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return s.Case(ctx, id)
}

func version(c *MediationCase, v int) error {
	if v != 0 && v != c.Version {
		return errs.Conflict("error.conflict")
	}
	return nil
}

func wrongStatus(c *MediationCase) error {
	return errs.Conflict("mediation.wrong_status", i18n.Key("mediation.status."+c.Status))
}

// AddParty adds a party to an open case. Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) AddParty(ctx context.Context, id int64, in CasePartyInput) (*MediationCase, error) {
	return s.change(ctx, id, "mediation.case.party_add", func(ctx context.Context, c *MediationCase, _ *auth.Principal) (any, error) {
		if c.Status != Open {
			return nil, wrongStatus(c)
		}
		if err := in.check(-1).Err(); err != nil {
			return nil, err
		}
		if err := s.Store.insertParty(ctx, id, &in); err != nil {
			return nil, err
		}
		return map[string]string{"name": pii.MaskName(in.Name), "phone": pii.Mask(in.Phone), "id_number": pii.MaskIDNumber(in.IDNumber)}, nil
	})
}

// AssignMediator adds a mediator of the case's community to an open case.
func (s *Service) AssignMediator(ctx context.Context, id, mediatorID int64) (*MediationCase, error) {
	return s.change(ctx, id, "mediation.case.assign", func(ctx context.Context, c *MediationCase, _ *auth.Principal) (any, error) {
		if c.Status != Open {
			return nil, wrongStatus(c)
		}
		var bad errs.Fields
		if err := s.checkMediators(ctx, c.CommunityCode, []int64{mediatorID}, &bad); err != nil {
			return nil, err
		}
		if err := bad.Err(); err != nil {
			return nil, err
		}
		return map[string]int64{"mediator": mediatorID}, s.Store.assign(ctx, id, mediatorID)
	})
}

// LogStep logs a dated step (a session, a visit, a call) of an open case.
func (s *Service) LogStep(ctx context.Context, id int64, in CaseStepInput) (*MediationCase, error) {
	return s.change(ctx, id, "mediation.case.step", func(ctx context.Context, c *MediationCase, p *auth.Principal) (any, error) {
		if c.Status != Open {
			return nil, wrongStatus(c)
		}
		in.On, in.Kind, in.Note = strings.TrimSpace(in.On), strings.TrimSpace(in.Kind), strings.TrimSpace(in.Note)
		var bad errs.Fields
		date(&bad, "on", in.On, s.Today())
		oneOf(&bad, "kind", in.Kind, StepKinds)
		text(&bad, "note", in.Note, maxText)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		step, err := s.Store.insertStep(ctx, id, &in, p.Name, s.now())
		return map[string]any{"step": step, "on": in.On, "kind": in.Kind}, err
	})
}

// Agree records the agreement of an open case (its terms, the signing
// date and optionally a scanned copy). The case needs a mediator.
// Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) Agree(ctx context.Context, id int64, in AgreementInput, copy *upload.File) (*MediationCase, error) {
	return s.change(ctx, id, "mediation.case.agree", func(ctx context.Context, c *MediationCase, p *auth.Principal) (any, error) {
		if err := version(c, in.Version); err != nil {
			return nil, err
		}
		if c.Status != Open {
			return nil, wrongStatus(c)
		}
		in.Terms, in.SignedOn = strings.TrimSpace(in.Terms), strings.TrimSpace(in.SignedOn)
		var bad errs.Fields
		text(&bad, "terms", in.Terms, maxText)
		date(&bad, "signed_on", in.SignedOn, s.Today())
		ms, err := s.Store.mediators(ctx, "m.id IN (SELECT mediator_id FROM mediation_case_mediators WHERE case_id = $1)", id)
		if err != nil {
			return nil, err
		}
		if len(ms) == 0 {
			bad.Add("mediator_ids", "mediation.no_mediator")
		}
		if err := bad.Err(); err != nil {
			return nil, err
		}
		if copy != nil {
			blob, err := s.Blobs.Put(ctx, "mediation.agreement", c.CommunityCode, copy)
			if err != nil {
				return nil, err
			}
			c.agreementBlob = &blob
		}
		old := c.Version
		c.Status, c.AgreementTerms, c.AgreementSignedOn, c.AgreementBy = Agreed, in.Terms, in.SignedOn, p.Name
		return map[string]any{"signed_on": in.SignedOn, "copy": copy != nil}, s.Store.saveOutcome(ctx, c, old, s.now())
	})
}

// Fail records that mediation failed and where the parties were referred.
func (s *Service) Fail(ctx context.Context, id int64, in FailureInput) (*MediationCase, error) {
	return s.change(ctx, id, "mediation.case.fail", func(ctx context.Context, c *MediationCase, p *auth.Principal) (any, error) {
		if err := version(c, in.Version); err != nil {
			return nil, err
		}
		if c.Status != Open {
			return nil, wrongStatus(c)
		}
		in.Referral, in.Note = strings.TrimSpace(in.Referral), strings.TrimSpace(in.Note)
		var bad errs.Fields
		oneOf(&bad, "referral", in.Referral, Referrals)
		text(&bad, "note", in.Note, maxText)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		old := c.Version
		c.Status, c.Referral, c.FailureNote, c.AgreementBy = Failed, in.Referral, in.Note, p.Name
		return map[string]string{"referral": in.Referral}, s.Store.saveOutcome(ctx, c, old, s.now())
	})
}

// Callback records the callback (回访) of an agreement: a date after it
// was signed, whether it was kept.
func (s *Service) Callback(ctx context.Context, id int64, in CallbackInput) (*MediationCase, error) {
	return s.change(ctx, id, "mediation.case.callback", func(ctx context.Context, c *MediationCase, _ *auth.Principal) (any, error) {
		if err := version(c, in.Version); err != nil {
			return nil, err
		}
		if c.Status != Agreed {
			return nil, wrongStatus(c)
		}
		in.On, in.Note = strings.TrimSpace(in.On), strings.TrimSpace(in.Note)
		var bad errs.Fields
		date(&bad, "on", in.On, s.Today())
		if validDate(in.On) && in.On <= c.AgreementSignedOn {
			bad.Add("on", "mediation.callback_before", c.AgreementSignedOn)
		}
		if len([]rune(in.Note)) > maxText {
			bad.Add("note", "error.too_long", maxText)
		}
		if err := bad.Err(); err != nil {
			return nil, err
		}
		old := c.Version
		c.CallbackOn, c.CallbackNote, c.CallbackKept = in.On, in.Note, "no"
		if in.Kept {
			c.CallbackKept = "yes"
		}
		return map[string]string{"on": in.On, "kept": c.CallbackKept}, s.Store.saveOutcome(ctx, c, old, s.now())
	})
}

// Close closes a case after review: a failed one, or an agreed one after
// its callback. Four eyes: whoever recorded the outcome or logged a step
// of the case (its mediators at work) may not close it.
// Errors: ECONFLICT (status, version), EFORBIDDEN (four eyes), ENOTFOUND.
func (s *Service) Close(ctx context.Context, id int64, v int) (*MediationCase, error) {
	return s.change(ctx, id, "mediation.case.close", func(ctx context.Context, c *MediationCase, p *auth.Principal) (any, error) {
		if err := version(c, v); err != nil {
			return nil, err
		}
		switch {
		case c.Status == Failed:
		case c.Status == Agreed && c.CallbackOn != "":
		case c.Status == Agreed:
			return nil, errs.Conflict("mediation.callback_first")
		default:
			return nil, wrongStatus(c)
		}
		authors, err := s.Store.stepAuthors(ctx, id)
		if err != nil {
			return nil, err
		}
		if p.Name == c.AgreementBy || slices.Contains(authors, p.Name) {
			db.AfterTx(ctx, func(ctx context.Context) {
				s.Audit.Refused(ctx, "mediation.case.close", "mediation.case", id, "four eyes: the closer mediated the case")
			})
			return nil, errs.E(errs.EFORBIDDEN, "mediation.four_eyes")
		}
		old := c.Version
		c.Status, c.ClosedOn, c.ClosedBy = Closed, s.Today(), p.Name
		return map[string]string{"closed_on": c.ClosedOn}, s.Store.saveOutcome(ctx, c, old, s.now())
	})
}

// RevealParties returns a case's parties unmasked; the reason is audited
// with who asked. Errors: EINVALID (no reason), ENOTFOUND, EFORBIDDEN.
func (s *Service) RevealParties(ctx context.Context, id int64, reason string) ([]RevealedParty, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	if !CanRevealParties(p) {
		s.Audit.Refused(ctx, "mediation.case.reveal", "mediation.case", id, "no reveal permission")
		return nil, errs.Forbidden()
	}
	reason = strings.TrimSpace(reason)
	switch {
	case len([]rune(reason)) < 2:
		return nil, errs.Invalid(errs.Field("reason", "mediation.reason_required"))
	case len([]rune(reason)) > 200:
		return nil, errs.Invalid(errs.Field("reason", "error.too_long", 200))
	}
	var out []RevealedParty
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.Store.getCase(ctx, id)
		if err != nil {
			s.refused(ctx, err, "mediation.case.reveal", "case", id)
			return err
		}
		if out, err = s.Store.parties(ctx, c.ID); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "mediation.case.reveal", ObjectType: "mediation.case", ObjectID: id10(id),
			Detail: map[string]any{"reason": reason, "parties": len(out)}})
	})
	if out == nil && err == nil {
		out = []RevealedParty{}
	}
	return out, err
}

// AgreementCopy returns the scanned agreement of a case the caller may read.
func (s *Service) AgreementCopy(ctx context.Context, id int64) (*upload.Blob, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	c, err := s.Store.getCase(ctx, id)
	if err != nil {
		s.refused(ctx, err, "mediation.case.read", "case", id)
		return nil, err
	}
	if c.agreementBlob == nil {
		return nil, errs.NotFound("error.not_found")
	}
	return s.Blobs.Get(ctx, "mediation.agreement", *c.agreementBlob)
}
