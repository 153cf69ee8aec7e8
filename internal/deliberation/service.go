package deliberation

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/rotcode"
	"shequ/internal/platform/upload"
)

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

var china = calendar.China

// Notifier puts a message in an account's inbox, in the writer's
// transaction (package notify, adapted in internal/app).
type Notifier interface {
	NotifyUser(ctx context.Context, userID int64, key string, args []string, object string, id int64, link string) error
}

// Registry is what the slice reads from the registries, adapted in
// internal/app: a community profile's counts, its number of verified
// residents, a resident account (its community, name and whether it is
// verified), and a staff account by login (for a witness).
type Registry interface {
	Counts(ctx context.Context, code string) (population, households int64, err error)
	VerifiedResidents(ctx context.Context, code string) (int64, error)
	Resident(ctx context.Context, userID int64) (community, name string, verified bool, err error)
	Staff(ctx context.Context, login string) (name string, ok bool, err error)
}

// ProjectStarter starts a 民生项目 from a decision (adapted in app to the project slice).
type ProjectStarter interface {
	StartProject(ctx context.Context, divisionCode, title, description string, decisionID int64) (projectID int64, err error)
}

// Service holds the rules of deliberation.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Registry Registry
	Notify   Notifier       // nil: no inbox messages
	Projects ProjectStarter // nil: decisions start no projects
	Blobs    *upload.Store  // the minutes' photos
	Now      func() time.Time
	codes    rotcode.Codes
}

// NewService makes the service; the sign-in codes are keyed from the key
// ring (its keyed blind index of a fixed label: the same on every node,
// never stored). Without a ring (the demo's builder) no meeting can be
// signed in to.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring, reg Registry) *Service {
	s := &Service{DB: d, Store: &Store{DB: d}, Audit: a, Registry: reg, Blobs: upload.NewStore(d), Now: time.Now}
	if keys != nil {
		s.codes = rotcode.Codes{Key: []byte(keys.Index("deliberation.signin-code.v1"))}
	}
	return s
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// Today is the date in China.
func (s *Service) Today() string { return s.Now().In(china).Format(DateLayout) }

func id64(id int64) string { return strconv.FormatInt(id, 10) }

func person(userID int64) string { return "u" + id64(userID) }

// refused audits a read or write of a record outside the caller's area.
func (s *Service) refused(ctx context.Context, err error, action, table, object string, id int64) {
	if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, table, id) {
		s.Audit.Refused(ctx, action, object, id, audit.OutsideArea)
	}
}

// myResident checks that the caller is a verified resident and returns
// their community and name.
func (s *Service) myResident(ctx context.Context, p *auth.Principal) (string, string, error) {
	community, name, verified, err := s.Registry.Resident(ctx, p.UserID)
	if err != nil {
		return "", "", err
	}
	if !verified {
		return "", "", errs.E(errs.EFORBIDDEN, "deliberation.not_verified")
	}
	return community, name, nil
}

// community checks that code is a community inside the caller's area and
// returns its kind for the rules (rural, else urban).
func (s *Service) community(ctx context.Context, field, code string, bad *errs.Fields) (string, error) {
	level, kind, _, err := s.Store.division(ctx, code)
	switch {
	case errs.Code(err) == errs.ENOTFOUND:
		bad.Add(field, "deliberation.division_not_found", code)
	case err != nil:
		return "", err
	case level != division.Community:
		bad.Add(field, "deliberation.not_a_community")
	}
	if kind == "rural" {
		return "rural", nil
	}
	return "urban", nil
}

// RaiseTopic raises a topic: a verified resident in their own community,
// a worker in a community of their area. Errors: EFORBIDDEN, EINVALID.
func (s *Service) RaiseTopic(ctx context.Context, in TopicInput) (*Topic, error) {
	p, err := auth.Require(ctx, RaiseRoles...)
	if err != nil {
		return nil, err
	}
	t := Topic{Title: strings.TrimSpace(in.Title), Body: strings.TrimSpace(in.Body), SourceKind: in.SourceKind,
		SourceRef: strings.TrimSpace(in.SourceRef), ProposerID: p.UserID, ProposerName: p.Display(), DivisionCode: in.DivisionCode}
	var bad errs.Fields
	if p.Role == auth.Resident {
		community, name, err := s.myResident(ctx, p)
		if err != nil {
			return nil, err
		}
		t.DivisionCode, t.ProposerName = community, name
		if t.SourceKind == "" {
			t.SourceKind = "resident"
		}
	} else if t.SourceKind == "" {
		t.SourceKind = "worker"
	}
	if t.DivisionCode == "" {
		bad.Add("division_code", "error.required")
	} else if _, err := s.community(ctx, "division_code", t.DivisionCode, &bad); err != nil {
		return nil, err
	}
	need(&bad, "title", t.Title, 100)
	need(&bad, "body", t.Body, 4000)
	if !oneOf(SourceKinds, t.SourceKind) {
		bad.Add("source_kind", "error.one_of", strings.Join(SourceKinds, ", "))
	}
	if tooLong(t.SourceRef, 100) {
		bad.Add("source_ref", "error.too_long", 100)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if id, err = s.Store.insertTopic(ctx, &t, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.topic.raise", ObjectType: "delib_topic", ObjectID: id64(id),
			Detail: map[string]any{"division_code": t.DivisionCode, "title": t.Title, "source_kind": t.SourceKind, "source_ref": t.SourceRef}})
	})
	if err != nil {
		return nil, err
	}
	return s.Topic(ctx, id)
}

// Topic returns a topic of the caller's area (a resident's community).
// Errors: ENOTFOUND (audited when it exists outside), EFORBIDDEN.
func (s *Service) Topic(ctx context.Context, id int64) (*Topic, error) {
	if _, err := auth.Require(ctx, RaiseRoles...); err != nil {
		return nil, err
	}
	t, err := s.Store.topic(ctx, id)
	s.refused(ctx, err, "deliberation.topic.read", "delib_topics", "delib_topic", id)
	return t, err
}

// Topics lists topics of the caller's area, newest first.
func (s *Service) Topics(ctx context.Context, f TopicFilter) ([]Topic, bool, error) {
	if _, err := auth.Require(ctx, RaiseRoles...); err != nil {
		return nil, false, err
	}
	var bad errs.Fields
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "deliberation.code_format")
	}
	if f.Status != "" && !oneOf([]string{Proposed, Admitted, Merged, Declined}, f.Status) {
		bad.Add("status", "error.one_of", "proposed, admitted, merged, declined")
	}
	if err := bad.Err(); err != nil {
		return nil, false, err
	}
	return s.Store.topics(ctx, f)
}

// ReviewTopic admits (with a plan), merges into another topic of the same
// community, or declines (with a reason) a proposed topic. Staff of the
// community or above; never the proposer. The proposer is told in their
// inbox. Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) ReviewTopic(ctx context.Context, id int64, r Review) (*Topic, error) {
	p, err := auth.Require(ctx, StaffRoles...)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.Store.topic(ctx, id)
		if err != nil {
			s.refused(ctx, err, "deliberation.topic.review", "delib_topics", "delib_topic", id)
			return err
		}
		if t.ProposerID != 0 && t.ProposerID == p.UserID {
			return errs.E(errs.EFORBIDDEN, "deliberation.own_topic")
		}
		if r.Version != 0 && r.Version != t.Version {
			return errs.Conflict("error.conflict")
		}
		if t.Status != Proposed {
			return errs.Conflict("deliberation.topic_reviewed")
		}
		old := t.Version
		plan, reason := strings.TrimSpace(r.Plan), strings.TrimSpace(r.Reason)
		var bad errs.Fields
		var action string
		switch r.Decision {
		case "admit":
			action = "deliberation.topic.admit"
			need(&bad, "plan", plan, 2000)
			t.Status, t.Plan = Admitted, plan
		case "decline":
			action = "deliberation.topic.decline"
			need(&bad, "reason", reason, 500)
			t.Status, t.Reason = Declined, reason
		case "merge":
			action = "deliberation.topic.merge"
			if r.MergeInto == 0 || r.MergeInto == id {
				bad.Add("merge_into", "deliberation.merge_target")
			} else if into, err := s.Store.topic(ctx, r.MergeInto); err != nil || into.DivisionCode != t.DivisionCode || into.Status == Declined || into.Status == Merged {
				if err != nil && errs.Code(err) != errs.ENOTFOUND {
					return err
				}
				bad.Add("merge_into", "deliberation.merge_target")
			}
			if tooLong(reason, 500) {
				bad.Add("reason", "error.too_long", 500)
			}
			t.Status, t.MergedInto, t.Reason = Merged, r.MergeInto, reason
		default:
			bad.Add("decision", "error.one_of", "admit, merge, decline")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		t.ReviewedBy = p.Name
		if err := s.Store.reviewTopic(ctx, t, old, s.now()); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "delib_topic", ObjectID: id64(id),
			Detail: map[string]any{"status": t.Status, "plan": t.Plan, "reason": t.Reason, "merged_into": t.MergedInto}}); err != nil {
			return err
		}
		if s.Notify == nil || t.ProposerID == 0 {
			return nil
		}
		args := []string{t.Title, t.Reason}
		if r.Decision == "merge" {
			args = []string{t.Title, id64(t.MergedInto)}
		}
		return s.Notify.NotifyUser(ctx, t.ProposerID, "deliberation.note."+r.Decision, args, "delib_topic", id, "/topics/"+id64(id))
	})
	if err != nil {
		return nil, err
	}
	return s.Topic(ctx, id)
}

// prefill is the registry's figure for a basis of a community's
// electorate: adults (the profile's population, else the verified
// residents), households (the profile's), 0 for the others.
func (s *Service) prefill(ctx context.Context, code, basis string) (int64, error) {
	if s.Registry == nil {
		return 0, nil
	}
	switch basis {
	case "adults":
		pop, _, err := s.Registry.Counts(ctx, code)
		if err != nil || pop > 0 {
			return pop, err
		}
		return s.Registry.VerifiedResidents(ctx, code)
	case "households":
		_, hh, err := s.Registry.Counts(ctx, code)
		return hh, err
	}
	return 0, nil
}

// defaultBasis is a meeting kind's usual basis.
func defaultBasis(kind string) string {
	switch kind {
	case "assembly":
		return "adults"
	case "representatives":
		return "representatives"
	}
	return "invited"
}

// withRule adds the rule and the quorum to a meeting.
func (s *Service) withRule(ctx context.Context, m *Meeting) (*Meeting, error) {
	r, err := s.Store.rule(ctx, m.Kind, m.CommunityKind, m.Basis)
	if err != nil {
		return nil, err
	}
	m.Rule, m.Needed, m.Quorate = r, r.Needed(m.Electorate), r.Quorate(m.Present, m.Electorate)
	return m, nil
}

// PlanMeeting plans a meeting on an admitted topic. The electorate is
// prefilled from the registry; another figure needs a reason (audited).
// Errors: EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) PlanMeeting(ctx context.Context, in MeetingInput) (*Meeting, error) {
	p, err := auth.Require(ctx, StaffRoles...)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		var bad errs.Fields
		t, err := s.Store.topic(ctx, in.TopicID)
		if errs.Code(err) == errs.ENOTFOUND {
			bad.Add("topic_id", "deliberation.topic_not_found", in.TopicID)
			return bad.Err()
		}
		if err != nil {
			return err
		}
		if t.Status != Admitted {
			bad.Add("topic_id", "deliberation.topic_not_admitted")
		}
		m := Meeting{TopicID: t.ID, DivisionCode: t.DivisionCode, Kind: in.Kind, Mode: in.Mode, Title: strings.TrimSpace(in.Title),
			Place: strings.TrimSpace(in.Place), StartsAt: in.StartsAt.UTC(), Chair: strings.TrimSpace(in.Chair),
			Facilitator: strings.TrimSpace(in.Facilitator), Basis: in.Basis, CreatedBy: p.Name}
		if m.CommunityKind, err = s.community(ctx, "topic_id", t.DivisionCode, &bad); err != nil {
			return err
		}
		if !oneOf(MeetingKinds, m.Kind) {
			bad.Add("kind", "error.one_of", strings.Join(MeetingKinds, ", "))
		}
		if !oneOf(Modes, m.Mode) {
			bad.Add("mode", "error.one_of", strings.Join(Modes, ", "))
		}
		if m.Basis == "" {
			m.Basis = defaultBasis(m.Kind)
		}
		need(&bad, "title", m.Title, 100)
		if tooLong(m.Place, 200) || tooLong(m.Chair, 50) || tooLong(m.Facilitator, 50) {
			bad.Add("place", "error.too_long", 200)
		}
		if m.StartsAt.IsZero() {
			bad.Add("starts_at", "error.required")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if _, err := s.Store.rule(ctx, m.Kind, m.CommunityKind, m.Basis); errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid(errs.Field("basis", "deliberation.no_rule"))
		} else if err != nil {
			return err
		}
		reg, err := s.prefill(ctx, m.DivisionCode, m.Basis)
		if err != nil {
			return err
		}
		m.Electorate = reg
		reason := strings.TrimSpace(in.Reason)
		if in.Electorate != nil && *in.Electorate != reg {
			if *in.Electorate < 0 {
				return errs.Invalid(errs.Field("electorate", "deliberation.electorate_negative"))
			}
			if reason == "" {
				return errs.Invalid(errs.Field("reason", "deliberation.electorate_reason", reg))
			}
			m.Electorate, m.ElectorateNote = *in.Electorate, reason
		}
		if m.Electorate == 0 && m.Basis != "invited" {
			return errs.Invalid(errs.Field("electorate", "deliberation.electorate_required"))
		}
		if id, err = s.Store.insertMeeting(ctx, &m, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.meeting.plan", ObjectType: "delib_meeting", ObjectID: id64(id),
			Detail: map[string]any{"topic_id": m.TopicID, "kind": m.Kind, "mode": m.Mode, "basis": m.Basis, "electorate": m.Electorate,
				"registry": reg, "reason": m.ElectorateNote, "chair": m.Chair, "facilitator": m.Facilitator}})
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// Meeting returns a meeting of the caller's area with its rule and quorum.
// Errors: ENOTFOUND (audited when outside), EFORBIDDEN.
func (s *Service) Meeting(ctx context.Context, id int64) (*Meeting, error) {
	if _, err := auth.Require(ctx, RaiseRoles...); err != nil {
		return nil, err
	}
	m, err := s.Store.meeting(ctx, id)
	if err != nil {
		s.refused(ctx, err, "deliberation.meeting.read", "delib_meetings", "delib_meeting", id)
		return nil, err
	}
	return s.withRule(ctx, m)
}

// Meetings lists meetings of the caller's area (of a topic when topic > 0).
func (s *Service) Meetings(ctx context.Context, divisionCode string, topic int64, page, perPage int) ([]Meeting, bool, error) {
	if _, err := auth.Require(ctx, RaiseRoles...); err != nil {
		return nil, false, err
	}
	if divisionCode != "" && !division.ValidCode(divisionCode) {
		return nil, false, errs.Invalid(errs.Field("division", "deliberation.code_format"))
	}
	return s.Store.meetings(ctx, divisionCode, topic, page, perPage)
}

// staffMeeting reads a meeting for a staff write, locked, still planned.
func (s *Service) staffMeeting(ctx context.Context, id int64, action string) (*Meeting, error) {
	m, err := s.Store.meeting(ctx, id)
	if err != nil {
		s.refused(ctx, err, action, "delib_meetings", "delib_meeting", id)
		return nil, err
	}
	if m.Status != Planned {
		return nil, errs.Conflict("deliberation.meeting_closed")
	}
	return s.withRule(ctx, m)
}

// ChangeElectorate changes a meeting's electorate (and basis) with a
// reason, audited with the figures before and after. Errors: EFORBIDDEN,
// ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) ChangeElectorate(ctx context.Context, id int64, c ElectorateChange) (*Meeting, error) {
	if _, err := auth.Require(ctx, StaffRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		m, err := s.staffMeeting(ctx, id, "deliberation.meeting.electorate")
		if err != nil {
			return err
		}
		if c.Version != 0 && c.Version != m.Version {
			return errs.Conflict("error.conflict")
		}
		basis, reason := m.Basis, strings.TrimSpace(c.Reason)
		if c.Basis != "" {
			basis = c.Basis
		}
		var bad errs.Fields
		need(&bad, "reason", reason, 500)
		if c.Electorate < 0 {
			bad.Add("electorate", "deliberation.electorate_negative")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if _, err := s.Store.rule(ctx, m.Kind, m.CommunityKind, basis); errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid(errs.Field("basis", "deliberation.no_rule"))
		} else if err != nil {
			return err
		}
		if err := s.Store.setElectorate(ctx, id, basis, c.Electorate, reason, m.Version, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.meeting.electorate", ObjectType: "delib_meeting", ObjectID: id64(id),
			Detail: map[string]any{"before": map[string]any{"basis": m.Basis, "electorate": m.Electorate},
				"after": map[string]any{"basis": basis, "electorate": c.Electorate}, "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// Code is the rotating sign-in code a meeting's screen shows.
type SigninCode struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

func signinSubject(id int64) string { return "delib-signin|" + id64(id) }

// SignInCode is the meeting's current sign-in code, for its staff.
// Errors: EFORBIDDEN, ENOTFOUND, ECONFLICT (closed).
func (s *Service) SignInCode(ctx context.Context, id int64) (*SigninCode, error) {
	if _, err := auth.Require(ctx, StaffRoles...); err != nil {
		return nil, err
	}
	if _, err := s.staffMeeting(ctx, id, "deliberation.meeting.code"); err != nil {
		return nil, err
	}
	w := s.codes.WindowOf(s.Now())
	return &SigninCode{Code: s.codes.At(signinSubject(id), w), ExpiresAt: s.codes.Ends(w)}, nil
}

// SignIn signs the caller, a verified resident of the meeting's community,
// in with the code on the meeting's screen. Signing in twice is harmless.
// Errors: EFORBIDDEN, ENOTFOUND, EINVALID (code), ECONFLICT (closed).
func (s *Service) SignIn(ctx context.Context, id int64, code string) (*Meeting, error) {
	p, err := auth.Require(ctx, auth.Resident)
	if err != nil {
		return nil, err
	}
	community, name, err := s.myResident(ctx, p)
	if err != nil {
		return nil, err
	}
	if s.codes.Key == nil {
		return nil, errs.Invalid(errs.Field("code", "deliberation.code_invalid"))
	}
	switch _, res := s.codes.Verify(signinSubject(id), code, s.Now()); res {
	case rotcode.Expired:
		return nil, errs.Invalid(errs.Field("code", "deliberation.code_expired"))
	case rotcode.Forged:
		return nil, errs.Invalid(errs.Field("code", "deliberation.code_invalid"))
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		m, err := s.staffMeeting(ctx, id, "deliberation.meeting.signin")
		if err != nil {
			return err
		}
		if m.DivisionCode != community {
			return errs.NotFound("deliberation.meeting_not_found", id)
		}
		added, err := s.Store.attend(ctx, id, person(p.UserID), p.UserID, name, "self", s.now())
		if err != nil || !added {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.meeting.signin", ObjectType: "delib_meeting", ObjectID: id64(id),
			Detail: map[string]any{"user_id": p.UserID}})
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// AttendeeInput records someone present: a verified resident's account,
// or the name of someone without one.
type AttendeeInput struct {
	UserID int64  `json:"user_id,omitempty" doc:"a verified resident's account"`
	Name   string `json:"name,omitempty" maxLength:"50" doc:"the name of someone without an account"`
}

// RecordAttendance signs someone in on their behalf (any staff of the area,
// grid workers too). Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) RecordAttendance(ctx context.Context, id int64, in AttendeeInput) (*Meeting, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		m, err := s.staffMeeting(ctx, id, "deliberation.meeting.attend")
		if err != nil {
			return err
		}
		name, key := strings.TrimSpace(in.Name), ""
		switch {
		case in.UserID != 0:
			community, n, verified, err := s.Registry.Resident(ctx, in.UserID)
			if errs.Code(err) == errs.ENOTFOUND || (err == nil && (!verified || community != m.DivisionCode)) {
				return errs.Invalid(errs.Field("user_id", "deliberation.not_a_voter"))
			}
			if err != nil {
				return err
			}
			name, key = n, person(in.UserID)
		case name == "" || tooLong(name, 50):
			return errs.Invalid(errs.Field("name", "error.required"))
		default:
			key = "n" + name
		}
		added, err := s.Store.attend(ctx, id, key, in.UserID, name, p.Name, s.now())
		if err != nil {
			return err
		}
		if !added {
			return errs.Conflict("deliberation.already_present")
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.meeting.attend", ObjectType: "delib_meeting", ObjectID: id64(id),
			Detail: map[string]any{"user_id": in.UserID, "named": in.UserID == 0}})
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// Attendees lists who signed in. Errors: EFORBIDDEN, ENOTFOUND.
func (s *Service) Attendees(ctx context.Context, id int64) ([]Attendee, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	if _, err := s.Meeting(ctx, id); err != nil {
		return nil, err
	}
	return s.Store.attendees(ctx, id)
}

// noQuorum is the refusal of a decision by a meeting short of quorum.
func noQuorum(m *Meeting) error {
	return errs.E(errs.ECONFLICT, "deliberation.no_quorum", m.Present, m.Needed, m.Electorate)
}

// VoteInput opens a vote on a motion.
type VoteInput struct {
	Motion string `json:"motion" maxLength:"500"`
	Secret bool   `json:"secret" doc:"a secret ballot never stores who voted how"`
}

// OpenVote puts a motion to a meeting that has its quorum. Errors:
// EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT (no quorum, closed).
func (s *Service) OpenVote(ctx context.Context, meetingID int64, in VoteInput) (*Result, error) {
	p, err := auth.Require(ctx, StaffRoles...)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		m, err := s.staffMeeting(ctx, meetingID, "deliberation.vote.open")
		if err != nil {
			return err
		}
		motion := strings.TrimSpace(in.Motion)
		var bad errs.Fields
		need(&bad, "motion", motion, 500)
		if err := bad.Err(); err != nil {
			return err
		}
		if !m.Quorate {
			return noQuorum(m)
		}
		if id, err = s.Store.insertVote(ctx, &Vote{MeetingID: meetingID, Motion: motion, Secret: in.Secret, OpenedBy: p.Name}, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.vote.open", ObjectType: "delib_vote", ObjectID: id64(id),
			Detail: map[string]any{"meeting_id": meetingID, "motion": motion, "secret": in.Secret, "present": m.Present, "electorate": m.Electorate}})
	})
	if err != nil {
		return nil, err
	}
	return s.Result(ctx, id)
}

// openVote reads a vote and its meeting for a write: the vote open, the
// meeting planned.
func (s *Service) openVote(ctx context.Context, id int64, action string) (*Vote, *Meeting, error) {
	v, err := s.Store.vote(ctx, id)
	if err != nil {
		s.refused(ctx, err, action, "delib_votes", "delib_vote", id)
		return nil, nil, err
	}
	if v.Status != Open {
		return nil, nil, errs.Conflict("deliberation.vote_closed")
	}
	m, err := s.staffMeeting(ctx, v.MeetingID, action)
	return v, m, err
}

// Cast records the caller's online vote: a verified resident of the
// community who signed in to the meeting; once per vote (the database
// refuses a second). On a secret ballot the choice is stored without the
// person. Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) Cast(ctx context.Context, voteID int64, choice string) error {
	p, err := auth.Require(ctx, auth.Resident)
	if err != nil {
		return err
	}
	community, _, err := s.myResident(ctx, p)
	if err != nil {
		return err
	}
	if choice != Yes && choice != No && choice != Abstain {
		return errs.Invalid(errs.Field("choice", "error.one_of", "yes, no, abstain"))
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		v, m, err := s.openVote(ctx, voteID, "deliberation.vote.cast")
		if err != nil {
			return err
		}
		if m.DivisionCode != community {
			return errs.NotFound("deliberation.vote_not_found", voteID)
		}
		me := person(p.UserID)
		if ok, err := s.Store.present(ctx, m.ID, me); err != nil {
			return err
		} else if !ok {
			return errs.Conflict("deliberation.not_signed_in")
		}
		if err := s.room(ctx, v.ID, m.Present, 1); err != nil {
			return err
		}
		if err := s.Store.voted(ctx, v.ID, me, s.now()); err != nil {
			return err
		}
		named := me
		if v.Secret {
			named = ""
		}
		if err := s.Store.ballot(ctx, v.ID, choice, 1, named, 0); err != nil {
			return err
		}
		detail := map[string]any{"vote_id": v.ID}
		if !v.Secret {
			detail["choice"] = choice
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.vote.cast", ObjectType: "delib_vote", ObjectID: id64(v.ID), Detail: detail})
	})
}

// room refuses more ballots than people present.
func (s *Service) room(ctx context.Context, voteID, present, more int64) error {
	yes, no, abstain, err := s.Store.count(ctx, voteID)
	if err != nil {
		return err
	}
	if yes+no+abstain+more > present {
		return errs.Invalid(errs.Field("yes", "deliberation.more_than_present", present-(yes+no+abstain)))
	}
	return nil
}

// TallyInput is a paper tally: the counts, and the witness, a second
// staff account (witness_account) or a named person.
type TallyInput struct {
	Yes            int64  `json:"yes" minimum:"0"`
	No             int64  `json:"no" minimum:"0"`
	Abstain        int64  `json:"abstain" minimum:"0"`
	Witness        string `json:"witness,omitempty" maxLength:"50" doc:"the witness's name (someone without a staff account)"`
	WitnessAccount string `json:"witness_account,omitempty" maxLength:"50" doc:"a second staff account's login"`
}

// EnterTally enters the counts of paper ballots cast in person, with the
// recorder's and the witness's names. The ballots of a vote never exceed
// the people present. Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) EnterTally(ctx context.Context, voteID int64, in TallyInput) (*Result, error) {
	p, err := auth.Require(ctx, StaffRoles...)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		v, m, err := s.openVote(ctx, voteID, "deliberation.vote.tally")
		if err != nil {
			return err
		}
		t := Tally{Yes: in.Yes, No: in.No, Abstain: in.Abstain, RecordedBy: p.Display() + "（" + p.Name + "）", Witness: strings.TrimSpace(in.Witness)}
		var bad errs.Fields
		if t.Yes < 0 || t.No < 0 || t.Abstain < 0 || t.Yes+t.No+t.Abstain == 0 {
			bad.Add("yes", "deliberation.tally_empty")
		}
		switch acct := strings.TrimSpace(in.WitnessAccount); {
		case acct != "":
			if acct == p.Name {
				bad.Add("witness_account", "deliberation.witness_self")
				break
			}
			name, ok, err := s.Registry.Staff(ctx, acct)
			if err != nil {
				return err
			}
			if !ok {
				bad.Add("witness_account", "deliberation.witness_not_staff")
			}
			t.Witness = name + "（" + acct + "）"
		case t.Witness == "":
			bad.Add("witness", "deliberation.witness_required")
		case tooLong(t.Witness, 50):
			bad.Add("witness", "error.too_long", 50)
		case t.Witness == p.Display() || t.Witness == p.Name:
			bad.Add("witness", "deliberation.witness_self")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if err := s.room(ctx, v.ID, m.Present, t.Yes+t.No+t.Abstain); err != nil {
			return err
		}
		tid, err := s.Store.insertTally(ctx, v.ID, &t, s.now())
		if err != nil {
			return err
		}
		for _, c := range []struct {
			choice string
			n      int64
		}{{Yes, t.Yes}, {No, t.No}, {Abstain, t.Abstain}} {
			if c.n > 0 {
				if err := s.Store.ballot(ctx, v.ID, c.choice, c.n, "", tid); err != nil {
					return err
				}
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.vote.tally", ObjectType: "delib_vote", ObjectID: id64(v.ID),
			Detail: map[string]any{"tally_id": tid, "yes": t.Yes, "no": t.No, "abstain": t.Abstain, "witness": t.Witness}})
	})
	if err != nil {
		return nil, err
	}
	return s.Result(ctx, voteID)
}

// CloseVote ends a vote; a meeting short of quorum cannot decide, so the
// close is refused then. The result is audited. Errors: EFORBIDDEN,
// ENOTFOUND, ECONFLICT.
func (s *Service) CloseVote(ctx context.Context, voteID int64) (*Result, error) {
	if _, err := auth.Require(ctx, StaffRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		v, m, err := s.openVote(ctx, voteID, "deliberation.vote.close")
		if err != nil {
			return err
		}
		if !m.Quorate {
			return noQuorum(m)
		}
		r, err := s.result(ctx, v, m)
		if err != nil {
			return err
		}
		if err := s.Store.closeVote(ctx, voteID, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.vote.close", ObjectType: "delib_vote", ObjectID: id64(voteID),
			Detail: map[string]any{"yes": r.Yes, "no": r.No, "abstain": r.Abstain, "present": r.Present, "electorate": r.Electorate,
				"quorate": r.Quorate, "passed": r.Passed}})
	})
	if err != nil {
		return nil, err
	}
	return s.Result(ctx, voteID)
}

// result counts a vote against its meeting's rule.
func (s *Service) result(ctx context.Context, v *Vote, m *Meeting) (*Result, error) {
	yes, no, abstain, err := s.Store.count(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	r := &Result{Vote: *v, Yes: yes, No: no, Abstain: abstain, Cast: yes + no + abstain, Present: m.Present, Electorate: m.Electorate,
		Needed: m.Needed, Quorate: m.Quorate, Rule: *m.Rule}
	r.Passed = r.Quorate && m.Rule.Passes(yes, m.Present)
	if r.Tallies, err = s.Store.tallies(ctx, v.ID); err != nil {
		return nil, err
	}
	if !v.Secret {
		named, err := s.Store.named(ctx, v.ID)
		if err != nil {
			return nil, err
		}
		names, err := s.Store.personNames(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		for i := range named {
			named[i].Person = names[named[i].Person]
		}
		r.Ballots = named
	}
	return r, nil
}

// Result reads a vote's count with the quorum check. Errors: EFORBIDDEN,
// ENOTFOUND.
func (s *Service) Result(ctx context.Context, voteID int64) (*Result, error) {
	if _, err := auth.Require(ctx, RaiseRoles...); err != nil {
		return nil, err
	}
	v, err := s.Store.vote(ctx, voteID)
	if err != nil {
		s.refused(ctx, err, "deliberation.vote.read", "delib_votes", "delib_vote", voteID)
		return nil, err
	}
	m, err := s.Store.meeting(ctx, v.MeetingID)
	if err != nil {
		return nil, err
	}
	if m, err = s.withRule(ctx, m); err != nil {
		return nil, err
	}
	return s.result(ctx, v, m)
}

// Votes lists a meeting's votes. Errors: EFORBIDDEN, ENOTFOUND.
func (s *Service) Votes(ctx context.Context, meetingID int64) ([]Vote, error) {
	if _, err := s.Meeting(ctx, meetingID); err != nil {
		return nil, err
	}
	return s.Store.votes(ctx, meetingID)
}
