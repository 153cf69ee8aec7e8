package mediation

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

// Store is the SQL of the mediation slice. Every read of a record is
// bounded by the caller's area (auth.Scope); the rows under a case, an
// adviser or a villager are reached only through their scoped parent.
type Store struct {
	DB   *db.DB
	Keys *pii.Ring
}

type scanner interface{ Scan(...any) error }

func scope(ctx context.Context) (string, string, error) { return auth.Scope(ctx) }

// community checks that code is a community inside the caller's area.
func (s *Store) community(ctx context.Context, code string) (bool, error) {
	lo, hi, err := scope(ctx)
	if err != nil {
		return false, err
	}
	var n int
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM divisions WHERE code = $1 AND level = $2 AND code BETWEEN $3 AND $4`,
		code, division.Community, lo, hi).Scan(&n)
	if err != nil {
		return false, errs.Internal("mediation.Store.community: select divisions", err)
	}
	return n > 0, nil
}

// divisionName returns a division's name when it is inside the caller's area.
func (s *Store) divisionName(ctx context.Context, code string) (string, error) {
	lo, hi, err := scope(ctx)
	if err != nil {
		return "", err
	}
	var name string
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&name)
	return name, db.RowErr(err, "mediation.Store.divisionName: select divisions", "mediation.division_not_found", code)
}

// exists reports whether a row of table exists at all; for auditing
// refusals only.
func (s *Store) exists(ctx context.Context, table string, id int64) bool {
	var n int
	var q string
	switch table {
	case "case":
		q = `SELECT count(*) FROM mediation_cases WHERE id = $1`
	case "committee":
		q = `SELECT count(*) FROM mediation_committees WHERE id = $1`
	case "adviser":
		q = `SELECT count(*) FROM legal_advisers WHERE id = $1`
	case "literate":
		q = `SELECT count(*) FROM legal_literates WHERE id = $1`
	default:
		return false
	}
	_ = s.DB.Q(db.WithoutTx(ctx)).QueryRowContext(db.WithoutTx(ctx), q, id).Scan(&n)
	return n > 0
}

// --- committees and mediators ---

func (s *Store) insertCommittee(ctx context.Context, in *CommitteeInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO mediation_committees (community_code, name, established_on, chair, created_at, updated_by)
		VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, in.CommunityCode, in.Name, in.EstablishedOn, in.Chair, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("mediation.Store.insertCommittee: insert", err)
	}
	return id, nil
}

const committeeCols = `c.id, c.community_code, d.name, c.name, c.established_on, c.chair FROM mediation_committees c JOIN divisions d ON d.code = c.community_code`

func scanCommittee(r interface{ Scan(...any) error }) (*Committee, error) {
	var c Committee
	err := r.Scan(&c.ID, &c.CommunityCode, &c.CommunityName, &c.Name, &c.EstablishedOn, &c.Chair)
	return &c, err
}

func (s *Store) committee(ctx context.Context, id int64) (*Committee, error) {
	lo, hi, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	c, err := scanCommittee(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+committeeCols+` WHERE c.id = $1 AND c.community_code BETWEEN $2 AND $3`, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "mediation.Store.committee: select", "mediation.committee_not_found", id)
	}
	if c.Mediators, err = s.mediators(ctx, "m.committee_id = $1", id); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Store) committees(ctx context.Context, code, q string, page, perPage int) ([]Committee, bool, error) {
	cond, args, err := areaArgs(ctx, "c.community_code", code)
	if err != nil {
		return nil, false, err
	}
	cond, args = s.named(cond, args, "c.name", q)
	w := " WHERE " + cond
	args = db.PageArgs(args, page, perPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+committeeCols+w+fmt.Sprintf(` ORDER BY c.community_code, c.id LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.committees: select", err)
	}
	out, more, err := db.Page(rows, perPage, scanCommittee)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.committees: scan", err)
	}
	return out, more, nil
}

func (s *Store) insertMediator(ctx context.Context, c *Committee, in *MediatorInput, actor string, now time.Time) (int64, error) {
	var worker any
	if in.WorkerID > 0 {
		worker = in.WorkerID
	}
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO mediation_mediators (committee_id, community_code, name, worker_id, term_from, term_to, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`, c.ID, c.CommunityCode, in.Name, worker, in.TermFrom, in.TermTo, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("mediation.Store.insertMediator: insert", err)
	}
	return id, nil
}

// mediators reads mediators by a condition on m (one argument).
func (s *Store) mediators(ctx context.Context, cond string, arg any) ([]Mediator, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT m.id, m.committee_id, m.community_code, m.name, m.worker_id, m.term_from, m.term_to
		FROM mediation_mediators m WHERE `+cond+` ORDER BY m.id`, arg)
	if err != nil {
		return nil, errs.Internal("mediation.Store.mediators: select", err)
	}
	defer rows.Close()
	out := []Mediator{}
	for rows.Next() {
		var m Mediator
		if err := rows.Scan(&m.ID, &m.CommitteeID, &m.CommunityCode, &m.Name, &m.WorkerID, &m.TermFrom, &m.TermTo); err != nil {
			return nil, errs.Internal("mediation.Store.mediators: scan", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("mediation.Store.mediators: rows", err)
	}
	return out, nil
}

// communityMediators lists the mediators of a community (the caller has
// checked that the community is in its area).
func (s *Store) communityMediators(ctx context.Context, code string) ([]Mediator, error) {
	return s.mediators(ctx, "m.community_code = $1", code)
}

// --- cases ---

const caseCols = `c.id, c.community_code, d.name, c.kind, c.summary, c.request_id, c.request_number, c.status, c.agreement_terms,
	c.agreement_signed_on, c.agreement_blob, c.agreement_by, c.referral, c.failure_note, c.callback_on, c.callback_kept, c.callback_note,
	c.closed_on, c.closed_by, c.version, c.created_at, c.created_by FROM mediation_cases c JOIN divisions d ON d.code = c.community_code`

func scanCase(r interface{ Scan(...any) error }) (*MediationCase, error) {
	var c MediationCase
	err := r.Scan(&c.ID, &c.CommunityCode, &c.CommunityName, &c.Kind, &c.Summary, &c.RequestID, &c.RequestNumber, &c.Status,
		&c.AgreementTerms, &c.AgreementSignedOn, &c.agreementBlob, &c.AgreementBy, &c.Referral, &c.FailureNote, &c.CallbackOn,
		&c.CallbackKept, &c.CallbackNote, &c.ClosedOn, &c.ClosedBy, &c.Version, &c.CreatedAt, &c.CreatedBy)
	c.CreatedAt = c.CreatedAt.UTC()
	c.AgreementCopy = c.agreementBlob != nil
	return &c, err
}

// getCase reads a case in the caller's area (locked inside a transaction)
// without its parts.
func (s *Store) getCase(ctx context.Context, id int64) (*MediationCase, error) {
	lo, hi, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	lock := ""
	if db.InTx(ctx) && s.DB.ForUpdate() != "" {
		lock = " FOR UPDATE OF c"
	}
	c, err := scanCase(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+caseCols+` WHERE c.id = $1 AND c.community_code BETWEEN $2 AND $3`+lock, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "mediation.Store.getCase: select", "mediation.case_not_found", id)
	}
	return c, nil
}

// caseOfRequest returns the id of the case opened from a request (0 when none).
func (s *Store) caseOfRequest(ctx context.Context, requestID int64) (int64, error) {
	lo, hi, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM mediation_cases WHERE request_id = $1 AND community_code BETWEEN $2 AND $3`,
		requestID, lo, hi).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, errs.Internal("mediation.Store.caseOfRequest: select", err)
	}
	return id, nil
}

// requestTaken reports whether any case (anywhere) was opened from a request.
func (s *Store) requestTaken(ctx context.Context, requestID int64) (bool, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM mediation_cases WHERE request_id = $1`, requestID).Scan(&n); err != nil {
		return false, errs.Internal("mediation.Store.requestTaken: select", err)
	}
	return n > 0, nil
}

// parts reads a case's parties (masked), mediators and steps.
func (s *Store) parts(ctx context.Context, c *MediationCase) error {
	ps, err := s.parties(ctx, c.ID)
	if err != nil {
		return err
	}
	c.Parties = make([]CaseParty, 0, len(ps))
	for _, p := range ps {
		c.Parties = append(c.Parties, CaseParty{ID: p.ID, Name: pii.MaskName(p.Name), Phone: pii.Mask(p.Phone), IDNumber: pii.MaskIDNumber(p.IDNumber)})
	}
	if c.Mediators, err = s.mediators(ctx, "m.id IN (SELECT mediator_id FROM mediation_case_mediators WHERE case_id = $1)", c.ID); err != nil {
		return err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, on_date, kind, note, created_by FROM mediation_steps WHERE case_id = $1 ORDER BY on_date, id`, c.ID)
	if err != nil {
		return errs.Internal("mediation.Store.parts: select steps", err)
	}
	defer rows.Close()
	c.Steps = []CaseStep{}
	for rows.Next() {
		var st CaseStep
		if err := rows.Scan(&st.ID, &st.On, &st.Kind, &st.Note, &st.CreatedBy); err != nil {
			return errs.Internal("mediation.Store.parts: scan steps", err)
		}
		c.Steps = append(c.Steps, st)
	}
	if err := rows.Err(); err != nil {
		return errs.Internal("mediation.Store.parts: steps", err)
	}
	return nil
}

// parties reads a case's parties unsealed.
func (s *Store) parties(ctx context.Context, caseID int64) ([]RevealedParty, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, name_sealed, phone_sealed, id_number_sealed FROM mediation_parties WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, errs.Internal("mediation.Store.parties: select", err)
	}
	defer rows.Close()
	var out []RevealedParty
	for rows.Next() {
		var p RevealedParty
		var sealed [3]string
		if err := rows.Scan(&p.ID, &sealed[0], &sealed[1], &sealed[2]); err != nil {
			return nil, errs.Internal("mediation.Store.parties: scan", err)
		}
		for i, dst := range []*string{&p.Name, &p.Phone, &p.IDNumber} {
			v, err := s.Keys.Open(sealed[i])
			if err != nil {
				return nil, errs.Internal("mediation.Store.parties: open", err)
			}
			*dst = v
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("mediation.Store.parties: rows", err)
	}
	return out, nil
}

func (s *Store) insertCase(ctx context.Context, in *MediationCaseInput, requestID *int64, requestNumber, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO mediation_cases (community_code, kind, summary, request_id, request_number, status,
		version, created_at, created_by, updated_at) VALUES ($1,$2,$3,$4,$5,$6,1,$7,$8,$7) RETURNING id`,
		in.CommunityCode, in.Kind, in.Summary, requestID, requestNumber, Open, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("mediation.Store.insertCase: insert", err)
	}
	return id, nil
}

func (s *Store) insertParty(ctx context.Context, caseID int64, p *CasePartyInput) error {
	var sealed [3]string
	for i, v := range []string{p.Name, p.Phone, p.IDNumber} {
		x, err := s.Keys.Seal(v)
		if err != nil {
			return errs.Internal("mediation.Store.insertParty: seal", err)
		}
		sealed[i] = x
	}
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO mediation_parties (case_id, name_sealed, phone_sealed, id_number_sealed, id_number_index)
		VALUES ($1,$2,$3,$4,$5)`, caseID, sealed[0], sealed[1], sealed[2], s.Keys.Index(p.IDNumber))
	if err != nil {
		return errs.Internal("mediation.Store.insertParty: insert", err)
	}
	return nil
}

func (s *Store) assign(ctx context.Context, caseID, mediatorID int64) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO mediation_case_mediators (case_id, mediator_id) VALUES ($1,$2) ON CONFLICT DO NOTHING`, caseID, mediatorID)
	if err != nil {
		return errs.Internal("mediation.Store.assign: insert", err)
	}
	return nil
}

func (s *Store) insertStep(ctx context.Context, caseID int64, in *CaseStepInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO mediation_steps (case_id, on_date, kind, note, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, caseID, in.On, in.Kind, in.Note, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("mediation.Store.insertStep: insert", err)
	}
	return id, nil
}

// stepAuthors lists who logged a case's steps.
func (s *Store) stepAuthors(ctx context.Context, caseID int64) ([]string, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT DISTINCT created_by FROM mediation_steps WHERE case_id = $1`, caseID)
	if err != nil {
		return nil, errs.Internal("mediation.Store.stepAuthors: select", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, errs.Internal("mediation.Store.stepAuthors: scan", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// saveOutcome writes a case's outcome columns (after a state change the
// service has checked) and bumps its version.
func (s *Store) saveOutcome(ctx context.Context, c *MediationCase, oldVersion int, now time.Time) error {
	return s.DB.UpdateOne(ctx, "mediation.Store.saveOutcome: update", `UPDATE mediation_cases SET status = $1, agreement_terms = $2, agreement_signed_on = $3,
		agreement_blob = $4, agreement_by = $5, referral = $6, failure_note = $7, callback_on = $8, callback_kept = $9, callback_note = $10,
		closed_on = $11, closed_by = $12, version = version + 1, updated_at = $13 WHERE id = $14 AND version = $15`,
		c.Status, c.AgreementTerms, c.AgreementSignedOn, c.agreementBlob, c.AgreementBy, c.Referral, c.FailureNote, c.CallbackOn,
		c.CallbackKept, c.CallbackNote, c.ClosedOn, c.ClosedBy, now, c.ID, oldVersion)
}

func (s *Store) caseWhere(ctx context.Context, f CaseFilter) (string, []any, error) {
	lo, hi, err := scope(ctx)
	if err != nil {
		return "", nil, err
	}
	w := db.Within("c.community_code", lo, hi)
	arg := w.Arg
	if f.Division != "" {
		dlo, dhi := division.Code(f.Division).Range()
		w.Between("c.community_code", dlo, dhi)
	}
	if f.Status != "" {
		w.Add("c.status = " + arg(f.Status))
	}
	if f.Kind != "" {
		w.Add("c.kind = " + arg(f.Kind))
	}
	if f.IDNumber != "" {
		w.Add("c.id IN (SELECT case_id FROM mediation_parties WHERE id_number_index = " + arg(s.Keys.Index(f.IDNumber)) + ")")
	}
	if f.Q != "" {
		w.Add("(c.summary " + s.DB.ILike() + " " + arg(db.Contains(f.Q)) + ` ESCAPE '\' OR c.request_number = ` + arg(f.Q) + ")")
	}
	return w.SQL(), w.Args, nil
}

func (s *Store) cases(ctx context.Context, f CaseFilter) ([]MediationCase, bool, error) {
	w, args, err := s.caseWhere(ctx, f)
	if err != nil {
		return nil, false, err
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+caseCols+w+fmt.Sprintf(` ORDER BY c.id DESC LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.cases: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanCase)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.cases: scan", err)
	}
	return out, more, nil
}

// eachCase runs fn over every case the filter selects, with its parties
// masked, for the export.
func (s *Store) eachCase(ctx context.Context, f CaseFilter, fn func(*MediationCase) error) error {
	w, args, err := s.caseWhere(ctx, f)
	if err != nil {
		return err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+caseCols+w+` ORDER BY c.id`, args...)
	if err != nil {
		return errs.Internal("mediation.Store.eachCase: select", err)
	}
	var all []*MediationCase
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return errs.Internal("mediation.Store.eachCase: scan", err)
		}
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Internal("mediation.Store.eachCase: rows", err)
	}
	for _, c := range all {
		if err := s.parts(ctx, c); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}
