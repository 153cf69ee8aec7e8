package survey

import (
	"context"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// optionKey is a question's option in the summary.
type optionKey struct {
	question int64
	option   int
}

// distribution reads the summary of a round at a division: question →
// option → count.
func (s *Store) distribution(ctx context.Context, round int64, code string) (map[optionKey]int64, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT question_id, option, count FROM survey_summary
		WHERE round_id = $1 AND division_code = $2`, round, code)
	if err != nil {
		return nil, errs.Internal("survey.Store.distribution: select", err)
	}
	defer rows.Close()
	out := map[optionKey]int64{}
	for rows.Next() {
		var k optionKey
		var n int64
		if err := rows.Scan(&k.question, &k.option, &n); err != nil {
			return nil, errs.Internal("survey.Store.distribution: scan", err)
		}
		out[k] = n
	}
	return out, rows.Err()
}

// tally is the responses of a round in a division.
type tally struct {
	responses, interviews, communities, covered int64
}

// tallies reads a round's tally rows of one level inside [lo, hi]: code →
// tally.
func (s *Store) tallies(ctx context.Context, round int64, lo, hi string, level int) (map[string]tally, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT division_code, responses, interviews, communities, surveyed FROM survey_tally
		WHERE round_id = $1 AND level = $2 AND division_code BETWEEN $3 AND $4`, round, level, lo, hi)
	if err != nil {
		return nil, errs.Internal("survey.Store.tallies: select", err)
	}
	defer rows.Close()
	out := map[string]tally{}
	for rows.Next() {
		var c string
		var t tally
		if err := rows.Scan(&c, &t.responses, &t.interviews, &t.communities, &t.covered); err != nil {
			return nil, errs.Internal("survey.Store.tallies: scan", err)
		}
		out[c] = t
	}
	return out, rows.Err()
}

// Place is a division of the drill-down.
type Place struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level int    `json:"level"`
}

// place reads a division's name and level (no area check: the caller's).
func (s *Store) place(ctx context.Context, code string) (Place, error) {
	p := Place{Code: code}
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name, level FROM divisions WHERE code = $1`, code).Scan(&p.Name, &p.Level)
	if err != nil {
		return p, db.RowErr(err, "survey.Store.place: select", "survey.division_not_found", code)
	}
	return p, nil
}

// children lists the divisions under parent inside [lo, hi].
func (s *Store) children(ctx context.Context, parent, lo, hi string) ([]Place, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name, level FROM divisions WHERE parent_code = $1 AND code BETWEEN $2 AND $3
		ORDER BY code`, parent, lo, hi)
	if err != nil {
		return nil, errs.Internal("survey.Store.children: select", err)
	}
	defer rows.Close()
	var out []Place
	for rows.Next() {
		var p Place
		if err := rows.Scan(&p.Code, &p.Name, &p.Level); err != nil {
			return nil, errs.Internal("survey.Store.children: scan", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// TextAnswer is one free-text answer: what was written and where, never by
// whom.
type TextAnswer struct {
	Community     string `json:"community"`
	CommunityName string `json:"community_name"`
	AnsweredOn    string `json:"answered_on"`
	Text          string `json:"text"`
}

// texts lists the free-text answers to a question of a round from the
// communities in [lo, hi], newest first.
func (s *Store) texts(ctx context.Context, round, question int64, lo, hi string, page, perPage int) ([]TextAnswer, bool, error) {
	args := db.PageArgs([]any{round, question, lo, hi}, page, perPage)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.community_code, d.name, r.answered_on, a.text FROM survey_answers a
		JOIN survey_responses r ON r.id = a.response_id JOIN divisions d ON d.code = r.community_code
		WHERE r.round_id = $1 AND a.question_id = $2 AND r.community_code BETWEEN $3 AND $4 AND a.text <> ''
		ORDER BY r.answered_on DESC, a.response_id DESC LIMIT $5 OFFSET $6`, args...)
	if err != nil {
		return nil, false, errs.Internal("survey.Store.texts: select", err)
	}
	out, more, err := db.Page(rows, perPage, func(r interface{ Scan(...any) error }) (*TextAnswer, error) {
		var t TextAnswer
		return &t, r.Scan(&t.Community, &t.CommunityName, &t.AnsweredOn, &t.Text)
	})
	if err != nil {
		return nil, false, errs.Internal("survey.Store.texts: scan", err)
	}
	return out, more, nil
}
