package deliberation

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the deliberation slice. Reads and writes of records
// are bounded by the caller's area (auth.Scope); the public reads of
// published decisions take one community's code.
type Store struct{ DB *db.DB }

type scanner = interface{ Scan(...any) error }

func (s *Store) lock(alias string) string {
	if s.DB.ForUpdate() == "" {
		return ""
	}
	return " FOR UPDATE OF " + alias
}

// division reads a division's level, kind and name inside the caller's area.
func (s *Store) division(ctx context.Context, code string) (level int, kind, name string, err error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return 0, "", "", err
	}
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT level, kind, name FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&level, &kind, &name)
	if err != nil {
		return 0, "", "", db.RowErr(err, "deliberation.Store.division: select", "deliberation.division_not_found", code)
	}
	return level, kind, name, nil
}

// exists reports whether a row of a table exists at all; for auditing refusals only.
func (s *Store) exists(ctx context.Context, table string, id int64) bool {
	var n int
	_ = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = $1`, id).Scan(&n)
	return n > 0
}

const topicCols = `t.id, t.division_code, d.name, t.title, t.body, t.source_kind, t.source_ref, COALESCE(t.proposer_id, 0), t.proposer_name,
	t.status, t.plan, t.reason, COALESCE(t.merged_into, 0), t.reviewed_by, t.reviewed_at, t.version, t.created_at`

func scanTopic(r scanner) (*Topic, error) {
	var t Topic
	var at sql.NullTime
	if err := r.Scan(&t.ID, &t.DivisionCode, &t.DivisionName, &t.Title, &t.Body, &t.SourceKind, &t.SourceRef, &t.ProposerID, &t.ProposerName,
		&t.Status, &t.Plan, &t.Reason, &t.MergedInto, &t.ReviewedBy, &at, &t.Version, &t.CreatedAt); err != nil {
		return nil, err
	}
	if at.Valid {
		v := at.Time.UTC()
		t.ReviewedAt = &v
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}

func (s *Store) insertTopic(ctx context.Context, t *Topic, now time.Time) (int64, error) {
	var proposer any
	if t.ProposerID != 0 {
		proposer = t.ProposerID
	}
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO delib_topics (division_code, title, body, source_kind, source_ref, proposer_id, proposer_name,
		status, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9) RETURNING id`,
		t.DivisionCode, t.Title, t.Body, t.SourceKind, t.SourceRef, proposer, t.ProposerName, Proposed, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("deliberation.Store.insertTopic: insert", err)
	}
	return id, nil
}

// topic reads a topic inside the caller's area (locked in a transaction).
func (s *Store) topic(ctx context.Context, id int64) (*Topic, error) {
	return scoped(ctx, s, `SELECT `+topicCols+` FROM delib_topics t JOIN divisions d ON d.code = t.division_code
		WHERE t.id = $1 AND t.division_code BETWEEN $2 AND $3`, "t", id, scanTopic, "deliberation.topic_not_found", "deliberation.Store.topic")
}

// scoped reads one record by id inside the caller's area: sel takes the id
// and the area's range as $1, $2, $3; inside a transaction the row of
// alias is locked. ENOTFOUND (notFound) when there is none.
func scoped[T any](ctx context.Context, s *Store, sel, alias string, id int64, scan func(scanner) (*T, error), notFound, op string) (*T, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	lock := ""
	if db.InTx(ctx) {
		lock = s.lock(alias)
	}
	v, err := scan(s.DB.Q(ctx).QueryRowContext(ctx, sel+lock, id, lo, hi))
	if db.IsNoRows(err) {
		return nil, errs.NotFound(notFound, id)
	}
	if err != nil {
		return nil, errs.Internal(op+": select", err)
	}
	return v, nil
}

// topics reads one page of the topics at or under a division inside the
// caller's area, newest first.
func (s *Store) topics(ctx context.Context, f TopicFilter) ([]Topic, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	args := []any{lo, hi}
	where := []string{"t.division_code BETWEEN $1 AND $2"}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Division != "" {
		dlo, dhi := divRange(f.Division)
		add("t.division_code >= ?", dlo)
		add("t.division_code <= ?", dhi)
	}
	if f.Status != "" {
		add("t.status = ?", f.Status)
	}
	if f.Q != "" {
		add(`(t.title LIKE ? ESCAPE '\' OR t.body LIKE ? ESCAPE '\')`, db.Contains(f.Q))
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+topicCols+` FROM delib_topics t JOIN divisions d ON d.code = t.division_code
		WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY t.id DESC LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("deliberation.Store.topics: select", err)
	}
	_, perPage := db.Paging(f.Page, f.PerPage)
	out, more, err := db.Page(rows, perPage, scanTopic)
	if err != nil {
		return nil, false, errs.Internal("deliberation.Store.topics: scan", err)
	}
	return out, more, nil
}

// divRange is the range of codes at or under a division code.
func divRange(code string) (string, string) {
	p := strings.TrimRight(code, "0")
	if len(p)%3 != 0 && len(p) > 6 {
		p = code[:((len(p)+2)/3)*3]
	}
	return p + strings.Repeat("0", 12-len(p)), p + strings.Repeat("9", 12-len(p))
}

func (s *Store) reviewTopic(ctx context.Context, t *Topic, oldVersion int, now time.Time) error {
	var merged any
	if t.MergedInto != 0 {
		merged = t.MergedInto
	}
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE delib_topics SET status = $1, plan = $2, reason = $3, merged_into = $4, reviewed_by = $5,
		reviewed_at = $6, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8`,
		t.Status, t.Plan, t.Reason, merged, t.ReviewedBy, now, t.ID, oldVersion)
	if err != nil {
		return errs.Internal("deliberation.Store.reviewTopic: update", err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return errs.Conflict("error.conflict")
	}
	return nil
}

const ruleCols = `meeting_kind, community_kind, basis, quorum_num, quorum_den, quorum_strict, majority_num, majority_den, majority_strict, source, version`

func scanRule(r scanner) (*Rule, error) {
	var x Rule
	err := r.Scan(&x.MeetingKind, &x.CommunityKind, &x.Basis, &x.QuorumNum, &x.QuorumDen, &x.QuorumStrict, &x.MajorityNum, &x.MajorityDen,
		&x.MajorityStrict, &x.Source, &x.Version)
	return &x, err
}

// rule reads one rule; ENOTFOUND when none is kept for the combination.
func (s *Store) rule(ctx context.Context, meetingKind, communityKind, basis string) (*Rule, error) {
	r, err := scanRule(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+ruleCols+` FROM delib_rules WHERE meeting_kind = $1 AND community_kind = $2 AND basis = $3`,
		meetingKind, communityKind, basis))
	if err != nil {
		return nil, db.RowErr(err, "deliberation.Store.rule: select", "deliberation.rule_not_found", meetingKind, communityKind, basis)
	}
	return r, nil
}

// rules reads every rule, in a stable order.
func (s *Store) rules(ctx context.Context) ([]Rule, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+ruleCols+` FROM delib_rules ORDER BY meeting_kind, community_kind, basis`)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.rules: select", err)
	}
	out, _, err := db.Page(rows, 1000, scanRule)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.rules: scan", err)
	}
	return out, nil
}

func (s *Store) updateRule(ctx context.Context, r *Rule, actor string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE delib_rules SET quorum_num = $1, quorum_den = $2, quorum_strict = $3, majority_num = $4,
		majority_den = $5, majority_strict = $6, source = $7, version = version + 1, updated_at = $8, updated_by = $9
		WHERE meeting_kind = $10 AND community_kind = $11 AND basis = $12 AND version = $13`,
		r.QuorumNum, r.QuorumDen, r.QuorumStrict, r.MajorityNum, r.MajorityDen, r.MajorityStrict, r.Source, now, actor,
		r.MeetingKind, r.CommunityKind, r.Basis, r.Version)
	if err != nil {
		return errs.Internal("deliberation.Store.updateRule: update", err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return errs.Conflict("error.conflict")
	}
	return nil
}

const meetingCols = `m.id, m.topic_id, m.division_code, m.kind, m.mode, m.title, m.place, m.starts_at, m.chair, m.facilitator, m.community_kind,
	m.basis, m.electorate, m.electorate_note, m.status, m.minutes, m.version, m.created_by,
	(SELECT count(*) FROM delib_attendance a WHERE a.meeting_id = m.id)`

func scanMeeting(r scanner) (*Meeting, error) {
	var m Meeting
	err := r.Scan(&m.ID, &m.TopicID, &m.DivisionCode, &m.Kind, &m.Mode, &m.Title, &m.Place, &m.StartsAt, &m.Chair, &m.Facilitator, &m.CommunityKind,
		&m.Basis, &m.Electorate, &m.ElectorateNote, &m.Status, &m.Minutes, &m.Version, &m.CreatedBy, &m.Present)
	m.StartsAt = m.StartsAt.UTC()
	return &m, err
}

func (s *Store) insertMeeting(ctx context.Context, m *Meeting, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO delib_meetings (topic_id, division_code, kind, mode, title, place, starts_at, chair, facilitator,
		community_kind, basis, electorate, electorate_note, status, created_by, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16) RETURNING id`,
		m.TopicID, m.DivisionCode, m.Kind, m.Mode, m.Title, m.Place, m.StartsAt, m.Chair, m.Facilitator, m.CommunityKind, m.Basis, m.Electorate,
		m.ElectorateNote, Planned, m.CreatedBy, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("deliberation.Store.insertMeeting: insert", err)
	}
	return id, nil
}

// meeting reads a meeting inside the caller's area (locked in a transaction).
func (s *Store) meeting(ctx context.Context, id int64) (*Meeting, error) {
	return scoped(ctx, s, `SELECT `+meetingCols+` FROM delib_meetings m WHERE m.id = $1 AND m.division_code BETWEEN $2 AND $3`,
		"m", id, scanMeeting, "deliberation.meeting_not_found", "deliberation.Store.meeting")
}

// meetings reads one page of the meetings at or under a division inside
// the caller's area (of one topic when topic > 0), latest first.
func (s *Store) meetings(ctx context.Context, division string, topic int64, page, perPage int) ([]Meeting, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	dlo, dhi := lo, hi
	if division != "" {
		dlo, dhi = divRange(division)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+meetingCols+` FROM delib_meetings m WHERE m.division_code BETWEEN $1 AND $2
		AND m.division_code BETWEEN $3 AND $4 AND ($5 = 0 OR m.topic_id = $5) ORDER BY m.starts_at DESC, m.id DESC LIMIT $6 OFFSET $7`,
		db.PageArgs([]any{lo, hi, dlo, dhi, topic}, page, perPage)...)
	if err != nil {
		return nil, false, errs.Internal("deliberation.Store.meetings: select", err)
	}
	_, perPage = db.Paging(page, perPage)
	out, more, err := db.Page(rows, perPage, scanMeeting)
	if err != nil {
		return nil, false, errs.Internal("deliberation.Store.meetings: scan", err)
	}
	return out, more, nil
}

func (s *Store) setElectorate(ctx context.Context, id int64, basis string, n int64, note string, oldVersion int, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE delib_meetings SET basis = $1, electorate = $2, electorate_note = $3, version = version + 1,
		updated_at = $4 WHERE id = $5 AND version = $6`, basis, n, note, now, id, oldVersion)
	if err != nil {
		return errs.Internal("deliberation.Store.setElectorate: update", err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return errs.Conflict("error.conflict")
	}
	return nil
}

func (s *Store) closeMeeting(ctx context.Context, id int64, minutes string, now time.Time) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE delib_meetings SET status = $1, minutes = $2, version = version + 1, updated_at = $3 WHERE id = $4`,
		Closed, minutes, now, id)
	if err != nil {
		return errs.Internal("deliberation.Store.closeMeeting: update", err)
	}
	return nil
}

// attend signs a person in; false when they were signed in already.
func (s *Store) attend(ctx context.Context, meetingID int64, person string, userID int64, name, by string, now time.Time) (bool, error) {
	var uid any
	if userID != 0 {
		uid = userID
	}
	res, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO delib_attendance (meeting_id, person, user_id, name, signed_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING`, meetingID, person, uid, name, by, now)
	if err != nil {
		return false, errs.Internal("deliberation.Store.attend: insert", err)
	}
	k, _ := res.RowsAffected()
	return k == 1, nil
}

// attendees lists who signed in, in order.
func (s *Store) attendees(ctx context.Context, meetingID int64) ([]Attendee, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT COALESCE(user_id, 0), name, signed_by, created_at FROM delib_attendance WHERE meeting_id = $1
		ORDER BY created_at, person`, meetingID)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.attendees: select", err)
	}
	out, _, err := db.Page(rows, 1<<30, func(r interface{ Scan(...any) error }) (*Attendee, error) {
		var a Attendee
		err := r.Scan(&a.UserID, &a.Name, &a.SignedBy, &a.At)
		a.At = a.At.UTC()
		return &a, err
	})
	if err != nil {
		return nil, errs.Internal("deliberation.Store.attendees: scan", err)
	}
	return out, nil
}

// present reports whether a person signed in to a meeting.
func (s *Store) present(ctx context.Context, meetingID int64, person string) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM delib_attendance WHERE meeting_id = $1 AND person = $2`, meetingID, person).Scan(&n)
	if err != nil {
		return false, errs.Internal("deliberation.Store.present: select", err)
	}
	return n > 0, nil
}

const voteCols = `v.id, v.meeting_id, v.motion, v.secret, v.status, v.opened_by, v.created_at, v.closed_at`

func scanVote(r scanner) (*Vote, error) {
	var v Vote
	var closed sql.NullTime
	if err := r.Scan(&v.ID, &v.MeetingID, &v.Motion, &v.Secret, &v.Status, &v.OpenedBy, &v.CreatedAt, &closed); err != nil {
		return nil, err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	if closed.Valid {
		t := closed.Time.UTC()
		v.ClosedAt = &t
	}
	return &v, nil
}

func (s *Store) insertVote(ctx context.Context, v *Vote, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO delib_votes (meeting_id, motion, secret, status, opened_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, v.MeetingID, v.Motion, v.Secret, Open, v.OpenedBy, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("deliberation.Store.insertVote: insert", err)
	}
	return id, nil
}

// vote reads a vote whose meeting is inside the caller's area (locked in a transaction).
func (s *Store) vote(ctx context.Context, id int64) (*Vote, error) {
	return scoped(ctx, s, `SELECT `+voteCols+` FROM delib_votes v JOIN delib_meetings m ON m.id = v.meeting_id
		WHERE v.id = $1 AND m.division_code BETWEEN $2 AND $3`, "v", id, scanVote, "deliberation.vote_not_found", "deliberation.Store.vote")
}

// votes lists a meeting's votes.
func (s *Store) votes(ctx context.Context, meetingID int64) ([]Vote, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+voteCols+` FROM delib_votes v WHERE v.meeting_id = $1 ORDER BY v.id`, meetingID)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.votes: select", err)
	}
	out, _, err := db.Page(rows, 1<<30, scanVote)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.votes: scan", err)
	}
	return out, nil
}

// voted records that a person voted; ECONFLICT when they had.
func (s *Store) voted(ctx context.Context, voteID int64, person string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO delib_voters (vote_id, person, created_at) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`,
		voteID, person, now)
	if err != nil {
		return errs.Internal("deliberation.Store.voted: insert", err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return errs.Conflict("deliberation.already_voted")
	}
	return nil
}

// ballot stores a choice: with the person on an open ballot, without on a secret one.
func (s *Store) ballot(ctx context.Context, voteID int64, choice string, n int64, person string, tally int64) error {
	var t any
	if tally != 0 {
		t = tally
	}
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO delib_ballots (vote_id, choice, n, person, tally_id) VALUES ($1,$2,$3,$4,$5)`,
		voteID, choice, n, person, t)
	if err != nil {
		return errs.Internal("deliberation.Store.ballot: insert", err)
	}
	return nil
}

func (s *Store) insertTally(ctx context.Context, voteID int64, t *Tally, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO delib_tallies (vote_id, yes, no, abstain, recorded_by, witness, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, voteID, t.Yes, t.No, t.Abstain, t.RecordedBy, t.Witness, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("deliberation.Store.insertTally: insert", err)
	}
	return id, nil
}

// count sums a vote's choices (online ballots and paper tallies).
func (s *Store) count(ctx context.Context, voteID int64) (yes, no, abstain int64, err error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT choice, COALESCE(SUM(n), 0) FROM delib_ballots WHERE vote_id = $1 GROUP BY choice`, voteID)
	if err != nil {
		return 0, 0, 0, errs.Internal("deliberation.Store.count: select", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var n int64
		if err := rows.Scan(&c, &n); err != nil {
			return 0, 0, 0, errs.Internal("deliberation.Store.count: scan", err)
		}
		switch c {
		case Yes:
			yes = n
		case No:
			no = n
		case Abstain:
			abstain = n
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, 0, errs.Internal("deliberation.Store.count: rows", err)
	}
	return yes, no, abstain, nil
}

// named lists an open ballot's online choices by person.
func (s *Store) named(ctx context.Context, voteID int64) ([]Named, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT b.person, b.choice FROM delib_ballots b WHERE b.vote_id = $1 AND b.person <> '' ORDER BY b.id`, voteID)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.named: select", err)
	}
	out, _, err := db.Page(rows, 1<<30, func(r interface{ Scan(...any) error }) (*Named, error) {
		var n Named
		return &n, r.Scan(&n.Person, &n.Choice)
	})
	if err != nil {
		return nil, errs.Internal("deliberation.Store.named: scan", err)
	}
	return out, nil
}

// personNames maps attendance keys of a meeting to names.
func (s *Store) personNames(ctx context.Context, meetingID int64) (map[string]string, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT person, name FROM delib_attendance WHERE meeting_id = $1`, meetingID)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.personNames: select", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var p, n string
		if err := rows.Scan(&p, &n); err != nil {
			return nil, errs.Internal("deliberation.Store.personNames: scan", err)
		}
		out[p] = n
	}
	return out, rows.Err()
}

// voterCount counts the people recorded as having voted online.
func (s *Store) voterCount(ctx context.Context, voteID int64) (int64, error) {
	var n int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM delib_voters WHERE vote_id = $1`, voteID).Scan(&n); err != nil {
		return 0, errs.Internal("deliberation.Store.voterCount: select", err)
	}
	return n, nil
}

func (s *Store) tallies(ctx context.Context, voteID int64) ([]Tally, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, yes, no, abstain, recorded_by, witness, created_at FROM delib_tallies WHERE vote_id = $1 ORDER BY id`, voteID)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.tallies: select", err)
	}
	out, _, err := db.Page(rows, 1<<30, func(r interface{ Scan(...any) error }) (*Tally, error) {
		var t Tally
		err := r.Scan(&t.ID, &t.Yes, &t.No, &t.Abstain, &t.RecordedBy, &t.Witness, &t.At)
		t.At = t.At.UTC()
		return &t, err
	})
	if err != nil {
		return nil, errs.Internal("deliberation.Store.tallies: scan", err)
	}
	return out, nil
}

func (s *Store) closeVote(ctx context.Context, id int64, now time.Time) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE delib_votes SET status = $1, closed_at = $2 WHERE id = $3`, Closed, now, id); err != nil {
		return errs.Internal("deliberation.Store.closeVote: update", err)
	}
	return nil
}

const decisionCols = `x.id, x.meeting_id, COALESCE(x.vote_id, 0), x.division_code, d.name, x.title, x.body, x.shown_from, x.shown_until,
	COALESCE(x.project_id, 0), x.created_by, x.created_at, (SELECT count(*) FROM delib_objections o WHERE o.decision_id = x.id)`

const decisionFrom = ` FROM delib_decisions x JOIN divisions d ON d.code = x.division_code`

func scanDecision(r scanner) (*Resolution, error) {
	var x Resolution
	err := r.Scan(&x.ID, &x.MeetingID, &x.VoteID, &x.DivisionCode, &x.DivisionName, &x.Title, &x.Body, &x.ShownFrom, &x.ShownUntil,
		&x.ProjectID, &x.CreatedBy, &x.CreatedAt, &x.Objections)
	x.CreatedAt = x.CreatedAt.UTC()
	return &x, err
}

func (s *Store) insertDecision(ctx context.Context, x *Resolution, now time.Time) (int64, error) {
	var vote any
	if x.VoteID != 0 {
		vote = x.VoteID
	}
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO delib_decisions (meeting_id, vote_id, division_code, title, body, shown_from, shown_until,
		created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
		x.MeetingID, vote, x.DivisionCode, x.Title, x.Body, x.ShownFrom, x.ShownUntil, x.CreatedBy, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("deliberation.Store.insertDecision: insert", err)
	}
	return id, nil
}

// decision reads a decision inside the caller's area (locked in a transaction).
func (s *Store) decision(ctx context.Context, id int64) (*Resolution, error) {
	return scoped(ctx, s, `SELECT `+decisionCols+decisionFrom+` WHERE x.id = $1 AND x.division_code BETWEEN $2 AND $3`,
		"x", id, scanDecision, "deliberation.decision_not_found", "deliberation.Store.decision")
}

// decisions reads one page of decisions: at or under a division inside the
// caller's area (scoped), or those a community shows on a day (public:
// scoped false, today set).
func (s *Store) decisions(ctx context.Context, division, today string, scoped bool, page, perPage int) ([]Resolution, bool, error) {
	lo, hi := "000000000000", "999999999999"
	if scoped {
		var err error
		if lo, hi, err = auth.Scope(ctx); err != nil {
			return nil, false, err
		}
	}
	dlo, dhi := lo, hi
	if division != "" {
		dlo, dhi = divRange(division)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+decisionCols+decisionFrom+` WHERE x.division_code BETWEEN $1 AND $2
		AND x.division_code BETWEEN $3 AND $4 AND ($5 = '' OR (x.shown_from <= $5 AND $5 <= x.shown_until))
		ORDER BY x.id DESC LIMIT $6 OFFSET $7`, db.PageArgs([]any{lo, hi, dlo, dhi, today}, page, perPage)...)
	if err != nil {
		return nil, false, errs.Internal("deliberation.Store.decisions: select", err)
	}
	_, perPage = db.Paging(page, perPage)
	out, more, err := db.Page(rows, perPage, scanDecision)
	if err != nil {
		return nil, false, errs.Internal("deliberation.Store.decisions: scan", err)
	}
	return out, more, nil
}

// publicDecision reads a decision whatever the caller (the public page
// shows it only while it is published).
func (s *Store) publicDecision(ctx context.Context, id int64) (*Resolution, error) {
	x, err := scanDecision(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+decisionCols+decisionFrom+` WHERE x.id = $1`, id))
	if err != nil {
		return nil, db.RowErr(err, "deliberation.Store.publicDecision: select", "deliberation.decision_not_found", id)
	}
	return x, nil
}

func (s *Store) setProject(ctx context.Context, id, project int64) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE delib_decisions SET project_id = $1 WHERE id = $2`, project, id); err != nil {
		return errs.Internal("deliberation.Store.setProject: update", err)
	}
	return nil
}

func (s *Store) insertObjection(ctx context.Context, decisionID, userID int64, body string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO delib_objections (decision_id, user_id, body, created_at) VALUES ($1,$2,$3,$4) RETURNING id`,
		decisionID, userID, body, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("deliberation.Store.insertObjection: insert", err)
	}
	return id, nil
}

func scanObjection(r scanner) (*Objection, error) {
	var o Objection
	var at sql.NullTime
	if err := r.Scan(&o.ID, &o.DecisionID, &o.Body, &o.Answer, &o.AnsweredBy, &at, &o.CreatedAt); err != nil {
		return nil, err
	}
	o.CreatedAt = o.CreatedAt.UTC()
	if at.Valid {
		t := at.Time.UTC()
		o.AnsweredAt = &t
	}
	return &o, nil
}

const objectionCols = `id, decision_id, body, answer, answered_by, answered_at, created_at`

// objections lists a decision's objections (of one account when user > 0).
func (s *Store) objections(ctx context.Context, decisionID, user int64) ([]Objection, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+objectionCols+` FROM delib_objections WHERE decision_id = $1 AND ($2 = 0 OR user_id = $2) ORDER BY id`,
		decisionID, user)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.objections: select", err)
	}
	out, _, err := db.Page(rows, 1<<30, scanObjection)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.objections: scan", err)
	}
	return out, nil
}

// objection reads an objection whatever the caller; the service checks
// its decision's area.
func (s *Store) objection(ctx context.Context, id int64) (*Objection, error) {
	o, err := scanObjection(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+objectionCols+` FROM delib_objections WHERE id = $1`, id))
	if err != nil {
		return nil, db.RowErr(err, "deliberation.Store.objection: select", "deliberation.objection_not_found", id)
	}
	return o, nil
}

func (s *Store) answerObjection(ctx context.Context, id int64, answer, by string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE delib_objections SET answer = $1, answered_by = $2, answered_at = $3 WHERE id = $4 AND answer = ''`,
		answer, by, now, id)
	if err != nil {
		return errs.Internal("deliberation.Store.answerObjection: update", err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return errs.Conflict("deliberation.already_answered")
	}
	return nil
}

// roster counts, per person and community, the meetings they chaired and
// facilitated at or under a division inside the caller's area.
func (s *Store) roster(ctx context.Context, division string) ([]RosterEntry, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	dlo, dhi := lo, hi
	if division != "" {
		dlo, dhi = divRange(division)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.name, r.division_code, d.name, SUM(r.chaired), SUM(r.facilitated), MAX(r.day) FROM (
		SELECT chair AS name, division_code, 1 AS chaired, 0 AS facilitated, starts_at AS day FROM delib_meetings
			WHERE chair <> '' AND division_code BETWEEN $1 AND $2 AND division_code BETWEEN $3 AND $4
		UNION ALL
		SELECT facilitator, division_code, 0, 1, starts_at FROM delib_meetings
			WHERE facilitator <> '' AND division_code BETWEEN $1 AND $2 AND division_code BETWEEN $3 AND $4
		) r JOIN divisions d ON d.code = r.division_code
		GROUP BY r.name, r.division_code, d.name ORDER BY SUM(r.chaired) + SUM(r.facilitated) DESC, r.name LIMIT 1000`, lo, hi, dlo, dhi)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.roster: select", err)
	}
	out, _, err := db.Page(rows, 1000, func(r interface{ Scan(...any) error }) (*RosterEntry, error) {
		var e RosterEntry
		var last any
		if err := r.Scan(&e.Name, &e.DivisionCode, &e.DivisionName, &e.Chaired, &e.Facilitated, &last); err != nil {
			return nil, err
		}
		e.Last = dayOf(last)
		return &e, nil
	})
	if err != nil {
		return nil, errs.Internal("deliberation.Store.roster: scan", err)
	}
	return out, nil
}

// dayOf is the China date of a MAX(timestamp), which SQLite returns as text.
func dayOf(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.In(china).Format(DateLayout)
	case []byte:
		return dayOf(string(t))
	case string:
		for _, l := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05"} {
			if p, err := time.Parse(l, t); err == nil {
				return p.In(china).Format(DateLayout)
			}
		}
		if len(t) >= 10 {
			return t[:10]
		}
	}
	return ""
}

// objectionAuthor is the account that raised an objection.
func (s *Store) objectionAuthor(ctx context.Context, id int64) (int64, error) {
	var u int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT user_id FROM delib_objections WHERE id = $1`, id).Scan(&u); err != nil {
		return 0, errs.Internal("deliberation.Store.objectionAuthor: select", err)
	}
	return u, nil
}

// addPhoto links a blob to a meeting's minutes (once).
func (s *Store) addPhoto(ctx context.Context, meetingID, blobID int64) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO delib_minutes_photos (meeting_id, blob_id) VALUES ($1,$2) ON CONFLICT DO NOTHING`, meetingID, blobID)
	if err != nil {
		return errs.Internal("deliberation.Store.addPhoto: insert", err)
	}
	return nil
}

// photos lists the blobs of a meeting's minutes.
func (s *Store) photos(ctx context.Context, meetingID int64) ([]int64, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT blob_id FROM delib_minutes_photos WHERE meeting_id = $1 ORDER BY blob_id`, meetingID)
	if err != nil {
		return nil, errs.Internal("deliberation.Store.photos: select", err)
	}
	out, _, err := db.Page(rows, 1000, func(r interface{ Scan(...any) error }) (*int64, error) {
		var id int64
		return &id, r.Scan(&id)
	})
	if err != nil {
		return nil, errs.Internal("deliberation.Store.photos: scan", err)
	}
	return out, nil
}
