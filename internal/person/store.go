package person

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

// Store is the SQL of the people registry. Every read and write is bounded
// by the caller's area, taken from the principal in ctx.
type Store struct {
	DB   *db.DB
	Keys *pii.Ring
}

const cols = `p.id, p.community_code, COALESCE(d.name, ''), p.name, p.id_number_sealed, p.birth_date, p.sex, p.phone_sealed,
	p.address_sealed, p.household, p.contact_name, p.contact_phone_sealed, p.version, p.updated_at, p.updated_by`

const from = ` FROM persons p JOIN divisions d ON d.code = p.community_code`

// row is a stored person with its sealed fields.
type row struct {
	Person
	birthDate                                           string
	idSealed, phoneSealed, addressSealed, contactSealed string
}

func scan(s interface{ Scan(...any) error }) (*row, error) {
	var r row
	err := s.Scan(&r.ID, &r.CommunityCode, &r.CommunityName, &r.Name, &r.idSealed, &r.birthDate, &r.Sex, &r.phoneSealed,
		&r.addressSealed, &r.Household, &r.ContactName, &r.contactSealed, &r.Version, &r.UpdatedAt, &r.UpdatedBy)
	return &r, err
}

// open unseals the personal data of a stored person.
func (s *Store) open(r *row) (record, error) {
	out := record{ID: r.ID, CommunityCode: r.CommunityCode, Name: r.Name, Household: r.Household, ContactName: r.ContactName,
		Groups: r.Groups, Version: r.Version, BirthDate: r.birthDate, Sex: r.Sex}
	for _, f := range []struct {
		dst    *string
		sealed string
	}{{&out.IDNumber, r.idSealed}, {&out.Phone, r.phoneSealed}, {&out.Address, r.addressSealed}, {&out.ContactPhone, r.contactSealed}} {
		v, err := s.Keys.Open(f.sealed)
		if err != nil {
			return record{}, errs.Internal("person.Store.open: Open", err)
		}
		*f.dst = v
	}
	return out, nil
}

// masked is the person as callers see it.
func (s *Store) masked(r *row, today string) (Person, error) {
	rec, err := s.open(r)
	if err != nil {
		return Person{}, err
	}
	p := r.Person
	p.IDNumber, p.Phone, p.Address, p.ContactPhone = pii.MaskIDNumber(rec.IDNumber), pii.Mask(rec.Phone), pii.Mask(rec.Address), pii.Mask(rec.ContactPhone)
	p.Age = ageOn(r.birthDate, today)
	p.UpdatedAt = p.UpdatedAt.UTC()
	if p.Groups == nil {
		p.Groups = []Membership{}
	}
	for i := range p.Groups {
		p.Groups[i].Current = p.Groups[i].CurrentOn(today)
	}
	return p, nil
}

// get reads a person inside the caller's area with its memberships (locked
// for update inside a transaction). ENOTFOUND otherwise.
func (s *Store) get(ctx context.Context, id int64) (*row, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	r, err := scan(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+cols+from+` WHERE p.id = $1 AND p.community_code BETWEEN $2 AND $3`+s.DB.LockOf(ctx, "p"), id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "person.Store.get: select", "person.not_found", id)
	}
	gs, err := s.groups(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	r.Groups = gs[id]
	return r, nil
}

// exists reports whether a person exists at all, whatever the area; for
// auditing refusals only. It reads outside ctx's transaction.
func (s *Store) exists(ctx context.Context, id int64) bool {
	return s.DB.Exists(db.WithoutTx(ctx), "persons", id)
}

// community checks that code is a community inside the caller's area.
func (s *Store) community(ctx context.Context, code string) error {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return err
	}
	var n int
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM divisions WHERE code = $1 AND level = 5 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&n)
	if err != nil {
		return errs.Internal("person.Store.community: select divisions", err)
	}
	if n == 0 {
		return errs.NotFound("person.community_not_found", code)
	}
	return nil
}

// byIDNumber returns the id of the person with an ID number (anywhere: an
// ID number is unique in the whole registry), or 0.
func (s *Store) byIDNumber(ctx context.Context, number string) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM persons WHERE id_number_index = $1`, s.Keys.Index(number)).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, errs.Internal("person.Store.byIDNumber: select persons", err)
	}
	return id, nil
}

// sealed are the stored forms of a record's personal data.
type sealed struct{ id, idIdx, phone, phoneIdx, address, addressIdx, contact string }

func (s *Store) seal(r *record) (sealed, error) {
	return s.sealIndexed(r, s.Keys.Index(r.IDNumber))
}

// sealIndexed is seal for a caller that has the ID number's blind index
// already.
func (s *Store) sealIndexed(r *record, idIdx string) (sealed, error) {
	out := sealed{idIdx: idIdx}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&out.id, r.IDNumber}, {&out.phone, r.Phone}, {&out.address, r.Address}, {&out.contact, r.ContactPhone}} {
		v, err := s.Keys.Seal(f.v)
		if err != nil {
			return out, errs.Internal("person.Store.sealIndexed: Seal", err)
		}
		*f.dst = v
	}
	out.phoneIdx, out.addressIdx = s.Keys.Index(r.Phone), s.Keys.Index(r.Address)
	return out, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const insertSQL = `INSERT INTO persons (community_code, name, id_number_sealed, id_number_index, birth_date, birth_year, sex,
	phone_sealed, phone_index, address_sealed, address_index, household, contact_name, contact_phone_sealed, version, created_at, updated_at, updated_by)
	VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,1,$15,$15,$16)`

func insertArgs(r *record, sl sealed, actor string, now time.Time) []any {
	return []any{r.CommunityCode, r.Name, sl.id, sl.idIdx, r.BirthDate, atoi(r.BirthDate[:4]), r.Sex,
		sl.phone, sl.phoneIdx, sl.address, sl.addressIdx, r.Household, r.ContactName, sl.contact, now, actor}
}

// insert adds a person and its memberships in ctx's transaction and returns
// its id. A duplicate ID number is ECONFLICT.
func (s *Store) insert(ctx context.Context, r *record, actor string, now time.Time) (int64, error) {
	sl, err := s.seal(r)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.Q(ctx).QueryRowContext(ctx, insertSQL+` RETURNING id`, insertArgs(r, sl, actor, now)...).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, errs.Invalid(errs.Field("id_number", "person.duplicate"))
	}
	if err != nil {
		return 0, errs.Internal("person.Store.insert: insert persons", err)
	}
	r.ID = id
	return id, s.putGroups(ctx, r)
}

// putGroups replaces a person's memberships.
func (s *Store) putGroups(ctx context.Context, r *record) error {
	q := s.DB.Q(ctx)
	if _, err := q.ExecContext(ctx, `DELETE FROM person_groups WHERE person_id = $1`, r.ID); err != nil {
		return errs.Internal("person.Store.putGroups: delete person_groups", err)
	}
	for _, g := range r.Groups {
		if _, err := q.ExecContext(ctx, `INSERT INTO person_groups (person_id, community_code, grp, kinds, category, grade, start_date, end_date, basis)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, r.ID, r.CommunityCode, g.Group, strings.Join(g.Kinds, ","), g.Category, g.Grade,
			g.Start, nullable(g.End), g.Basis); err != nil {
			return errs.Internal("person.Store.putGroups: insert person_groups", err)
		}
	}
	return nil
}

// update saves a changed person if its version is still oldVersion.
func (s *Store) update(ctx context.Context, r *record, oldVersion int, actor string, now time.Time) error {
	sl, err := s.seal(r)
	if err != nil {
		return err
	}
	err = s.DB.UpdateOne(ctx, "person.Store.update: update persons", `UPDATE persons SET community_code = $1, name = $2, id_number_sealed = $3, id_number_index = $4,
		birth_date = $5, birth_year = $6, sex = $7, phone_sealed = $8, phone_index = $9, address_sealed = $10, address_index = $11,
		household = $12, contact_name = $13, contact_phone_sealed = $14, version = version + 1, updated_at = $15, updated_by = $16
		WHERE id = $17 AND version = $18`, append(insertArgs(r, sl, actor, now), r.ID, oldVersion)...)
	if db.IsUniqueViolation(err) {
		return errs.Invalid(errs.Field("id_number", "person.duplicate"))
	}
	if err != nil {
		return err
	}
	return s.putGroups(ctx, r)
}

// addChange records a change in the person's history.
func (s *Store) addChange(ctx context.Context, id int64, action, actor string, now time.Time, before, after map[string]string) error {
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO person_changes (person_id, at, actor, action, before_json, after_json)
		VALUES ($1,$2,$3,$4,$5,$6)`, id, now, actor, action, string(b), string(a))
	if err != nil {
		return errs.Internal("person.Store.addChange: insert person_changes", err)
	}
	return nil
}

// PersonChange is one entry of a person's history.
type PersonChange struct {
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor"`
	Action string            `json:"action"`
	Before map[string]string `json:"before"`
	After  map[string]string `json:"after"`
}

// FieldChange is one field of a change.
type FieldChange struct{ Key, Before, After string }

// Diff lists the fields of a change, by name.
func (c PersonChange) Diff() []FieldChange {
	var out []FieldChange
	for k, v := range c.After {
		if v != "" || c.Before[k] != "" {
			out = append(out, FieldChange{Key: k, Before: c.Before[k], After: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// changes lists a person's history, newest first (at most 200 entries).
func (s *Store) changes(ctx context.Context, id int64) ([]PersonChange, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT at, actor, action, before_json, after_json FROM person_changes
		WHERE person_id = $1 ORDER BY id DESC LIMIT 200`, id)
	if err != nil {
		return nil, errs.Internal("person.Store.changes: select person_changes", err)
	}
	defer rows.Close()
	out := []PersonChange{}
	for rows.Next() {
		var c PersonChange
		var b, a string
		if err := rows.Scan(&c.At, &c.Actor, &c.Action, &b, &a); err != nil {
			return nil, errs.Internal("person.Store.changes: select person_changes", err)
		}
		_ = json.Unmarshal([]byte(b), &c.Before)
		_ = json.Unmarshal([]byte(a), &c.After)
		// Entries written before ID numbers kept only 2 characters hold
		// the older mask: mask it again.
		for _, m := range []map[string]string{c.Before, c.After} {
			if v, ok := m["id_number"]; ok {
				m["id_number"] = pii.MaskIDNumber(v)
			}
		}
		c.At = c.At.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// groups loads the memberships of some people.
func (s *Store) groups(ctx context.Context, ids []int64) (map[int64][]Membership, error) {
	out := map[int64][]Membership{}
	if len(ids) == 0 {
		return out, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT person_id, grp, kinds, category, grade, start_date, COALESCE(end_date, ''), basis
		FROM person_groups WHERE person_id IN (`+strings.Join(ph, ",")+`) ORDER BY person_id, id`, args...)
	if err != nil {
		return nil, errs.Internal("person.Store.groups: select person_groups", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var m Membership
		var kinds string
		if err := rows.Scan(&pid, &m.Group, &kinds, &m.Category, &m.Grade, &m.Start, &m.End, &m.Basis); err != nil {
			return nil, errs.Internal("person.Store.groups: select person_groups", err)
		}
		if kinds != "" {
			m.Kinds = strings.Split(kinds, ",")
		}
		out[pid] = append(out[pid], m)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("person.Store.groups: select person_groups", err)
	}
	return out, nil
}

// where builds the list's conditions: always inside the caller's area.
func (s *Store) where(ctx context.Context, f Filter, today string) (string, []any, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", nil, err
	}
	w := db.Within("p.community_code", lo, hi)
	arg := w.Arg
	if f.Community != "" {
		dlo, dhi := codeRange(f.Community)
		w.Add("p.community_code BETWEEN " + arg(dlo) + " AND " + arg(dhi))
	}
	if f.Q != "" {
		w.Add("p.name " + s.DB.ILike() + " " + arg(db.Contains(f.Q)) + ` ESCAPE '\'`)
	}
	if f.IDNumber != "" {
		w.Add("p.id_number_index = " + arg(s.Keys.Index(strings.ToUpper(strings.TrimSpace(f.IDNumber)))))
	}
	if f.Phone != "" {
		w.Add("p.phone_index = " + arg(s.Keys.Index(NormalizePhone(f.Phone))))
	}
	if a := strings.TrimSpace(f.Address); a != "" {
		w.Add("p.address_index = " + arg(s.Keys.Index(a)))
	}
	if f.Group != "" {
		t := arg(today)
		w.Add("EXISTS (SELECT 1 FROM person_groups g WHERE g.person_id = p.id AND g.grp = " + arg(f.Group) +
			" AND g.start_date <= " + t + " AND (g.end_date IS NULL OR g.end_date >= " + t + "))")
	}
	return w.SQL(), w.Args, nil
}

// codeRange is the range of codes at or under a division code, its level
// read from its trailing zeros.
func codeRange(code string) (string, string) { return division.Code(code).Range() }

// list returns one page of people (page ≥ 1) and whether more follow.
func (s *Store) list(ctx context.Context, f Filter, today string) ([]Person, bool, error) {
	w, args, err := s.where(ctx, f, today)
	if err != nil {
		return nil, false, err
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+cols+from+w+
		fmt.Sprintf(` ORDER BY p.community_code, p.name, p.id LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("person.Store.list: select", err)
	}
	rs, more, err := db.Page(rows, f.PerPage, func(sc interface{ Scan(...any) error }) (**row, error) {
		r, err := scan(sc)
		return &r, err
	})
	if err != nil {
		return nil, false, errs.Internal("person.Store.list: select", err)
	}
	out, err := s.withGroups(ctx, rs, today)
	return out, more, err
}

// withGroups masks a batch of rows with their memberships.
func (s *Store) withGroups(ctx context.Context, rs []*row, today string) ([]Person, error) {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	gs, err := s.groups(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Person, 0, len(rs))
	for _, r := range rs {
		r.Groups = gs[r.ID]
		p, err := s.masked(r, today)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// each calls fn for every person the filter selects, masked, in batches,
// for exports. reveal gives the plaintext of the person's personal data
// too (nil for a masked export).
func (s *Store) each(ctx context.Context, f Filter, today string, fn func(p Person, plain *record) error, reveal bool) error {
	w, args, err := s.where(ctx, f, today)
	if err != nil {
		return err
	}
	const batch = 500
	var lastCode, lastName string
	var lastID int64 = -1
	for {
		a := append([]any{}, args...)
		cond := ""
		if lastID >= 0 {
			n := len(a)
			cond = fmt.Sprintf(" AND (p.community_code, p.name, p.id) > ($%d, $%d, $%d)", n+1, n+2, n+3)
			a = append(a, lastCode, lastName, lastID)
		}
		rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+cols+from+w+cond+
			fmt.Sprintf(` ORDER BY p.community_code, p.name, p.id LIMIT %d`, batch), a...)
		if err != nil {
			return errs.Internal("person.Store.each: select", err)
		}
		var rs []*row
		for rows.Next() {
			r, err := scan(rows)
			if err != nil {
				rows.Close()
				return errs.Internal("person.Store.each: select", err)
			}
			rs = append(rs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Internal("person.Store.each: select", err)
		}
		ps, err := s.withGroups(ctx, rs, today)
		if err != nil {
			return err
		}
		for i, p := range ps {
			var plain *record
			if reveal {
				rec, err := s.open(rs[i])
				if err != nil {
					return err
				}
				plain = &rec
			}
			if err := fn(p, plain); err != nil {
				return err
			}
		}
		if len(rs) < batch {
			return nil
		}
		last := rs[len(rs)-1]
		lastCode, lastName, lastID = last.CommunityCode, last.Name, last.ID
	}
}

// members lists the current members of a group in a code range, bounded
// by the caller's area.
func (s *Store) members(ctx context.Context, group, lo, hi, day string) ([]Member, error) {
	alo, ahi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	lo, hi = max(lo, alo), min(hi, ahi)
	out := []Member{}
	if lo > hi {
		return out, nil
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT DISTINCT p.id, p.name, p.community_code FROM person_groups g
		JOIN persons p ON p.id = g.person_id
		WHERE g.grp = $1 AND g.community_code BETWEEN $2 AND $3 AND g.start_date <= $4 AND (g.end_date IS NULL OR g.end_date >= $4)
		ORDER BY p.community_code, p.name, p.id`, group, lo, hi, day)
	if err != nil {
		return nil, errs.Internal("person.Store.members: select person_groups", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.Name, &m.CommunityCode); err != nil {
			return nil, errs.Internal("person.Store.members: select person_groups", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("person.Store.members: select person_groups", err)
	}
	return out, nil
}

// communities returns the communities inside the caller's area.
func (s *Store) communities(ctx context.Context) (map[string]bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	return db.Set[string](ctx, s.DB.Q(ctx), "person.Store.communities: select divisions", `SELECT code FROM divisions WHERE level = 5 AND code BETWEEN $1 AND $2`, lo, hi)
}

// registered returns which of some ID number indexes are already in the
// registry (anywhere).
func (s *Store) registered(ctx context.Context, idxs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(idxs) == 0 {
		return out, nil
	}
	args := make([]any, len(idxs))
	for i, x := range idxs {
		args[i] = x
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id_number_index FROM persons WHERE id_number_index IN (`+s.DB.Params(len(idxs))+`)`, args...)
	if err != nil {
		return nil, errs.Internal("person.Store.registered: select persons", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			return nil, errs.Internal("person.Store.registered: select persons", err)
		}
		out[x] = true
	}
	return out, rows.Err()
}

// bulk keeps the prepared statements of an import's multi-row inserts,
// by statement text: most batches are full, so a few statements serve a
// whole file. SQLite gets "?" placeholders, whose binding does not slow
// down with the number of parameters as "$n" names do.
type bulk struct {
	stmts map[string]*sql.Stmt
}

func (b *bulk) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

func (s *Store) stmt(ctx context.Context, b *bulk, text string) (*sql.Stmt, error) {
	if st, ok := b.stmts[text]; ok {
		return st, nil
	}
	st, err := s.DB.Prepare(ctx, text)
	if err != nil {
		return nil, errs.Internal("person.Store.stmt: Prepare", err)
	}
	if b.stmts == nil {
		b.stmts = map[string]*sql.Stmt{}
	}
	b.stmts[text] = st
	return st, nil
}

// addBatch checks a batch of valid new people against the registry and,
// if write is set and none of them is registered yet, inserts them with
// their memberships in ctx's transaction. It returns the positions in the
// batch of the people already registered, in order. When it returns any,
// some of the batch may have been written: the caller rolls back.
func (s *Store) addBatch(ctx context.Context, b *bulk, batch []pending, actor string, now time.Time, write bool) ([]int, error) {
	if write && s.DB.SingleRowInserts() {
		n, err := s.insertEach(ctx, b, batch, actor, now)
		if err != nil || n == len(batch) {
			return nil, err
		}
		// batch[n] is registered: name it and the others after it.
		rest, err := s.dups(ctx, batch[n+1:])
		out := []int{n}
		for _, i := range rest {
			out = append(out, n+1+i)
		}
		return out, err
	}
	dups, err := s.dups(ctx, batch)
	if err != nil || len(dups) > 0 || !write {
		return dups, err
	}
	return nil, s.insertMany(ctx, b, batch, actor, now)
}

// dups returns the positions in a batch of the people whose ID number is
// already registered.
func (s *Store) dups(ctx context.Context, batch []pending) ([]int, error) {
	if len(batch) == 0 {
		return nil, nil
	}
	idxs := make([]string, len(batch))
	for i := range batch {
		idxs[i] = batch[i].idx
	}
	reg, err := s.registered(ctx, idxs)
	if err != nil {
		return nil, err
	}
	var out []int
	for i := range batch {
		if reg[batch[i].idx] {
			out = append(out, i)
		}
	}
	return out, nil
}

// insertEach is insertMany where single-row inserts are faster
// (db.DB.SingleRowInserts, SQLite): the people one row per statement,
// so that SQLite needs no statement journal. A statement that writes
// several rows of a table with a unique index or a foreign key may have
// to undo its own rows, so SQLite copies every page it changes to a
// journal first; with four randomly-keyed indexes that was nearly every
// page an import touched, and a quarter of its CPU. An ID number that is
// already registered is not inserted (ON CONFLICT DO NOTHING): insertEach
// stops there and returns its position, which spares the look-up of every
// batch in the registry beforehand. It returns len(batch) when all are in.
// The memberships and history rows only append to their tables (few pages
// each), and go in as multi-row inserts as in insertMany.
func (s *Store) insertEach(ctx context.Context, b *bulk, batch []pending, actor string, now time.Time) (int, error) {
	st, err := s.stmt(ctx, b, `INSERT INTO persons (community_code, name, id_number_sealed, id_number_index, birth_date, birth_year, sex,
	phone_sealed, phone_index, address_sealed, address_index, household, contact_name, contact_phone_sealed, created_at, updated_at, updated_by)
	VALUES (`+s.DB.Params(17)+`) ON CONFLICT (id_number_index) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	args := make([]any, 17)
	for i := range batch {
		r, sl := &batch[i].r, &batch[i].sealed
		args[0], args[1], args[2], args[3], args[4], args[5], args[6] = r.CommunityCode, r.Name, sl.id, sl.idIdx, r.BirthDate, atoi(r.BirthDate[:4]), r.Sex
		args[7], args[8], args[9], args[10], args[11], args[12], args[13] = sl.phone, sl.phoneIdx, sl.address, sl.addressIdx, r.Household, r.ContactName, sl.contact
		args[14], args[15], args[16] = now, now, actor
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return 0, errs.Internal("person.Store.insertEach: insert persons", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, errs.Internal("person.Store.insertEach: insert persons", err)
		} else if n == 0 {
			return i, nil
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return 0, errs.Internal("person.Store.insertEach: insert persons", err)
		}
	}
	return len(batch), s.insertRest(ctx, b, batch, actor, now)
}

// insertMany adds valid new people with their memberships in ctx's
// transaction, three statements per batch.
func (s *Store) insertMany(ctx context.Context, b *bulk, batch []pending, actor string, now time.Time) error {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO persons (community_code, name, id_number_sealed, id_number_index, birth_date, birth_year, sex,
	phone_sealed, phone_index, address_sealed, address_index, household, contact_name, contact_phone_sealed, created_at, updated_at, updated_by) VALUES `)
	sb.WriteString(s.DB.ValueRows(len(batch), 17, ""))
	sb.WriteString(" RETURNING id, id_number_index")
	args := make([]any, 0, len(batch)*17)
	for i := range batch {
		r, sl := &batch[i].r, batch[i].sealed
		args = append(args, r.CommunityCode, r.Name, sl.id, sl.idIdx, r.BirthDate, atoi(r.BirthDate[:4]), r.Sex,
			sl.phone, sl.phoneIdx, sl.address, sl.addressIdx, r.Household, r.ContactName, sl.contact, now, now, actor)
	}
	st, err := s.stmt(ctx, b, sb.String())
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return errs.Invalid(errs.Field("id_number", "person.duplicate"))
		}
		return errs.Internal("person.Store.insertMany: insert persons", err)
	}
	ids := make(map[string]int64, len(batch))
	for rows.Next() {
		var id int64
		var x string
		if err := rows.Scan(&id, &x); err != nil {
			rows.Close()
			return errs.Internal("person.Store.insertMany: insert persons", err)
		}
		ids[x] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Internal("person.Store.insertMany: insert persons", err)
	}
	for i := range batch {
		r := &batch[i].r
		if r.ID = ids[batch[i].idx]; r.ID == 0 {
			return errs.Internal("person.Store.insertMany: insert persons", fmt.Errorf("person import: no id returned for a row"))
		}
	}
	return s.insertRest(ctx, b, batch, actor, now)
}

// insertRest adds the memberships and the history rows of a batch of new
// people whose IDs are set.
func (s *Store) insertRest(ctx context.Context, b *bulk, batch []pending, actor string, now time.Time) error {
	var sb strings.Builder
	args := make([]any, 0, len(batch)*9/2)
	hargs := make([]any, 0, len(batch)*3)
	groups := 0
	for i := range batch {
		r := &batch[i].r
		hargs = append(hargs, r.ID, now, actor)
		for _, g := range r.Groups {
			groups++
			args = append(args, r.ID, r.CommunityCode, g.Group, strings.Join(g.Kinds, ","), g.Category, g.Grade, g.Start, nullable(g.End), g.Basis)
		}
	}
	if groups > 0 {
		sb.Reset()
		sb.WriteString(`INSERT INTO person_groups (person_id, community_code, grp, kinds, category, grade, start_date, end_date, basis) VALUES `)
		sb.WriteString(s.DB.ValueRows(groups, 9, ""))
		st, err := s.stmt(ctx, b, sb.String())
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return errs.Internal("person.Store.insertRest: ExecContext", err)
		}
	}
	sb.Reset()
	sb.WriteString(`INSERT INTO person_changes (person_id, at, actor, action, before_json, after_json) VALUES `)
	sb.WriteString(s.DB.ValueRows(len(batch), 3, ",'import','{}','{}'"))
	st, err := s.stmt(ctx, b, sb.String())
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(ctx, hargs...); err != nil {
		return errs.Internal("person.Store.insertRest: ExecContext", err)
	}
	return nil
}
