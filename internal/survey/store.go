package survey

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the survey slice. Questionnaires and rounds are seen
// by staff whose area holds them or lies inside them (a township reuses
// the city's questionnaire; a community worker enters interviews for a
// county's round); results and texts are read only inside the caller's area.
type Store struct{ DB *db.DB }

// seen is the condition that a division code column is inside the
// caller's area or one of its ancestors, with its arguments from n on.
func seen(ctx context.Context, col string, n int) (string, []any, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", nil, err
	}
	args := []any{lo, hi}
	cond := fmt.Sprintf("(%s BETWEEN $%d AND $%d", col, n, n+1)
	if p := auth.From(ctx); p.Role != auth.System && division.ValidCode(p.Area.Code) {
		c := division.Code(p.Area.Code)
		var ph []string
		for l := division.Province; l < c.Level(); l++ {
			args = append(args, c.At(l))
			ph = append(ph, fmt.Sprintf("$%d", n+len(args)-1))
		}
		if len(ph) > 0 {
			cond += " OR " + col + " IN (" + strings.Join(ph, ", ") + ")"
		}
	}
	return cond + ")", args, nil
}

// division returns the level and name of a division inside the caller's
// area; ENOTFOUND otherwise.
func (s *Store) division(ctx context.Context, code string) (int, string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return 0, "", err
	}
	var level int
	var name string
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT level, name FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&level, &name)
	if err != nil {
		return 0, "", db.RowErr(err, "survey.Store.division: select divisions", "survey.division_not_found", code)
	}
	return level, name, nil
}

func (s *Store) insertQuestionnaire(ctx context.Context, q *Questionnaire, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO survey_questionnaires (division_code, title, description, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, q.DivisionCode, q.Title, q.Description, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("survey.Store.insertQuestionnaire: insert", err)
	}
	for _, x := range q.Questions {
		if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO survey_questions (questionnaire_id, position, kind, text, required, options)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, x.Position, x.Kind, x.Text, x.Required, strings.Join(x.Options, "\n")); err != nil {
			return 0, errs.Internal("survey.Store.insertQuestionnaire: insert question", err)
		}
	}
	return id, nil
}

const qcols = `q.id, q.division_code, q.title, q.description, q.created_at, q.created_by`

func scanQuestionnaire(r interface{ Scan(...any) error }) (*Questionnaire, error) {
	var q Questionnaire
	err := r.Scan(&q.ID, &q.DivisionCode, &q.Title, &q.Description, &q.CreatedAt, &q.CreatedBy)
	q.CreatedAt = q.CreatedAt.UTC()
	return &q, err
}

// questionnaire reads a questionnaire the caller sees, with its questions.
func (s *Store) questionnaire(ctx context.Context, id int64) (*Questionnaire, error) {
	cond, args, err := seen(ctx, "q.division_code", 2)
	if err != nil {
		return nil, err
	}
	q, err := scanQuestionnaire(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+qcols+` FROM survey_questionnaires q WHERE q.id = $1 AND `+cond,
		append([]any{id}, args...)...))
	if err != nil {
		return nil, db.RowErr(err, "survey.Store.questionnaire: select", "survey.questionnaire_not_found", id)
	}
	if q.Questions, err = s.questions(ctx, id); err != nil {
		return nil, err
	}
	return q, nil
}

func (s *Store) questions(ctx context.Context, questionnaire int64) ([]Question, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, position, kind, text, required, options FROM survey_questions
		WHERE questionnaire_id = $1 ORDER BY position`, questionnaire)
	if err != nil {
		return nil, errs.Internal("survey.Store.questions: select", err)
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var x Question
		var opts string
		if err := rows.Scan(&x.ID, &x.Position, &x.Kind, &x.Text, &x.Required, &opts); err != nil {
			return nil, errs.Internal("survey.Store.questions: scan", err)
		}
		x.Options = []string{}
		if opts != "" {
			x.Options = strings.Split(opts, "\n")
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("survey.Store.questions: rows", err)
	}
	return out, nil
}

// questionnaires lists the questionnaires the caller sees, newest first.
func (s *Store) questionnaires(ctx context.Context, q string, page, perPage int) ([]Questionnaire, bool, error) {
	cond, args, err := seen(ctx, "q.division_code", 1)
	if err != nil {
		return nil, false, err
	}
	if q != "" {
		args = append(args, db.Contains(q))
		cond += fmt.Sprintf(" AND q.title %s $%d ESCAPE '\\'", s.DB.ILike(), len(args))
	}
	args = db.PageArgs(args, page, perPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+qcols+` FROM survey_questionnaires q WHERE `+cond+
		fmt.Sprintf(` ORDER BY q.id DESC LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("survey.Store.questionnaires: select", err)
	}
	out, more, err := db.Page(rows, perPage, scanQuestionnaire)
	if err != nil {
		return nil, false, errs.Internal("survey.Store.questionnaires: scan", err)
	}
	return out, more, nil
}

func (s *Store) insertRound(ctx context.Context, r *Round, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO survey_rounds (questionnaire_id, division_code, title, opens_on, closes_on,
		min_responses, status, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		r.QuestionnaireID, r.DivisionCode, r.Title, r.OpensOn, r.ClosesOn, r.MinResponses, Open, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("survey.Store.insertRound: insert", err)
	}
	return id, nil
}

// rcols reads a round with its responses inside [lo, hi] ($1, $2), summed
// over the tally rows of the caller's level ($3).
const rcols = `r.id, r.questionnaire_id, q.title, r.division_code, COALESCE(d.name, ''), r.title, r.opens_on, r.closes_on,
	r.min_responses, r.status, COALESCE(r.closed_on, ''), r.created_by,
	COALESCE((SELECT sum(t.responses) FROM survey_tally t WHERE t.round_id = r.id AND t.level = $3 AND t.division_code BETWEEN $1 AND $2), 0)`

// areaLevel is the tally level of the caller's area: its own, the city's
// at most (the system and province-level accounts sum the cities).
func areaLevel(ctx context.Context) int {
	p := auth.From(ctx)
	if p == nil || !division.ValidCode(p.Area.Code) {
		return division.City
	}
	return max(division.Code(p.Area.Code).Level(), division.City)
}

const rfrom = ` FROM survey_rounds r JOIN survey_questionnaires q ON q.id = r.questionnaire_id JOIN divisions d ON d.code = r.division_code`

func scanRound(s interface{ Scan(...any) error }) (*Round, error) {
	var r Round
	err := s.Scan(&r.ID, &r.QuestionnaireID, &r.Questionnaire, &r.DivisionCode, &r.DivisionName, &r.Title, &r.OpensOn, &r.ClosesOn,
		&r.MinResponses, &r.Status, &r.ClosedOn, &r.CreatedBy, &r.Responses)
	return &r, err
}

// round reads a round the caller sees (locked inside a transaction).
func (s *Store) round(ctx context.Context, id int64) (*Round, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	cond, args, err := seen(ctx, "r.division_code", 5)
	if err != nil {
		return nil, err
	}
	lock := s.DB.LockOf(ctx, "r")
	r, err := scanRound(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+rcols+rfrom+` WHERE r.id = $4 AND `+cond+lock,
		append([]any{lo, hi, areaLevel(ctx), id}, args...)...))
	if err != nil {
		return nil, db.RowErr(err, "survey.Store.round: select", "survey.round_not_found", id)
	}
	return r, nil
}

// exists reports whether a row of table (survey_rounds or
// survey_questionnaires) exists at all; for auditing refusals only.
func (s *Store) exists(ctx context.Context, table string, id int64) bool {
	var n int
	q := `SELECT count(*) FROM survey_rounds WHERE id = $1`
	if table == "survey_questionnaires" {
		q = `SELECT count(*) FROM survey_questionnaires WHERE id = $1`
	}
	_ = s.DB.Q(ctx).QueryRowContext(ctx, q, id).Scan(&n)
	return n > 0
}

// RoundFilter selects rounds.
type RoundFilter struct {
	Q       string
	Status  string
	Page    int
	PerPage int
}

// rounds lists the rounds the caller sees, newest first.
func (s *Store) rounds(ctx context.Context, f RoundFilter) ([]Round, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	cond, cargs, err := seen(ctx, "r.division_code", 4)
	if err != nil {
		return nil, false, err
	}
	args := append([]any{lo, hi, areaLevel(ctx)}, cargs...)
	if f.Q != "" {
		args = append(args, db.Contains(f.Q))
		cond += fmt.Sprintf(" AND r.title %s $%d ESCAPE '\\'", s.DB.ILike(), len(args))
	}
	if f.Status != "" {
		args = append(args, f.Status)
		cond += fmt.Sprintf(" AND r.status = $%d", len(args))
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+rcols+rfrom+` WHERE `+cond+
		fmt.Sprintf(` ORDER BY r.closes_on DESC, r.id DESC LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("survey.Store.rounds: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanRound)
	if err != nil {
		return nil, false, errs.Internal("survey.Store.rounds: scan", err)
	}
	return out, more, nil
}

// markRespondent records that an account answered a round; false when it
// already had.
func (s *Store) markRespondent(ctx context.Context, round, user int64) (bool, error) {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO survey_respondents (round_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, round, user)
	if err != nil {
		return false, errs.Internal("survey.Store.markRespondent: insert", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// answered reports whether an account has answered a round.
func (s *Store) answered(ctx context.Context, round, user int64) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM survey_respondents WHERE round_id = $1 AND user_id = $2`, round, user).Scan(&n)
	if err != nil {
		return false, errs.Internal("survey.Store.answered: select", err)
	}
	return n > 0, nil
}

// insertResponse stores a response and its answers and adds them to the
// tally and the summary, in ctx's transaction; min is the round's minimum
// responses.
func (s *Store) insertResponse(ctx context.Context, round int64, min int, community, channel, interviewer, on string, as []answer) error {
	q := s.DB.Q(ctx)
	var id int64
	if err := q.QueryRowContext(ctx, `INSERT INTO survey_responses (round_id, community_code, channel, interviewer, answered_on)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, round, community, channel, interviewer, on).Scan(&id); err != nil {
		return errs.Internal("survey.Store.insertResponse: insert", err)
	}
	interviews := 0
	if channel == Interview {
		interviews = 1
	}
	// The community's row first: whether it now answers for the first
	// time, or reaches the round's minimum, moves its ancestors' counts.
	var n int
	if err := q.QueryRowContext(ctx, `INSERT INTO survey_tally (round_id, division_code, level, responses, interviews) VALUES ($1, $2, $3, 1, $4)
		ON CONFLICT (round_id, division_code) DO UPDATE SET responses = survey_tally.responses + 1,
		interviews = survey_tally.interviews + excluded.interviews
		RETURNING responses`, round, community, division.Community, interviews).Scan(&n); err != nil {
		return errs.Internal("survey.Store.insertResponse: tally", err)
	}
	first, reached := 0, 0
	if n == 1 {
		first = 1
	}
	if n == min {
		reached = 1
	}
	if _, err := q.ExecContext(ctx, `UPDATE survey_tally SET communities = $1, surveyed = $2 WHERE round_id = $3 AND division_code = $4`,
		min1(n), boolInt(n >= min), round, community); err != nil {
		return errs.Internal("survey.Store.insertResponse: tally", err)
	}
	c := division.Code(community)
	for _, l := range []int{division.City, division.County, division.Township} {
		if _, err := q.ExecContext(ctx, `INSERT INTO survey_tally (round_id, division_code, level, responses, interviews, communities, surveyed)
			VALUES ($1, $2, $3, 1, $4, $5, $6) ON CONFLICT (round_id, division_code) DO UPDATE SET responses = survey_tally.responses + 1,
			interviews = survey_tally.interviews + excluded.interviews, communities = survey_tally.communities + excluded.communities,
			surveyed = survey_tally.surveyed + excluded.surveyed`, round, c.At(l), l, interviews, first, reached); err != nil {
			return errs.Internal("survey.Store.insertResponse: tally above", err)
		}
	}
	for _, a := range as {
		// Option 0 counts the responses that answered the question.
		if err := s.bump(ctx, round, community, a.questionID, 0); err != nil {
			return err
		}
		for _, v := range a.values {
			if _, err := q.ExecContext(ctx, `INSERT INTO survey_answers (response_id, question_id, value, text) VALUES ($1, $2, $3, $4)`,
				id, a.questionID, v, a.text); err != nil {
				return errs.Internal("survey.Store.insertResponse: answer", err)
			}
			if err := s.bump(ctx, round, community, a.questionID, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// bump adds one to an option of the summary at the community and at each
// division above it.
func (s *Store) bump(ctx context.Context, round int64, community string, question int64, option int) error {
	c := division.Code(community)
	for _, code := range []string{community, c.At(division.Township), c.At(division.County), c.At(division.City)} {
		if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO survey_summary (round_id, division_code, question_id, option, count)
			VALUES ($1, $2, $3, $4, 1) ON CONFLICT (round_id, division_code, question_id, option)
			DO UPDATE SET count = survey_summary.count + 1`, round, code, question, option); err != nil {
			return errs.Internal("survey.Store.bump: summary", err)
		}
	}
	return nil
}

// loaded is one response of a bulk load, checked.
type loaded struct {
	community string
	answers   []answer
}

// loadResponses stores a bulk load's responses, all interviews by
// interviewer, and adds them to the tally and the summary, in ctx's
// transaction. It comes to what insertResponse would for each response in
// turn, but adds the tally and the summary up here and writes them, and the
// answers, as multi-row statements: one statement a response for its id,
// not some sixty.
func (s *Store) loadResponses(ctx context.Context, round int64, min int, interviewer, on string, rs []loaded) error {
	st, err := s.DB.Prepare(ctx, `INSERT INTO survey_responses (round_id, community_code, channel, interviewer, answered_on)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`)
	if err != nil {
		return errs.Internal("survey.Store.loadResponses: prepare", err)
	}
	defer st.Close()
	type option struct {
		code     string
		question int64
		option   int
	}
	summary := map[option]int{}
	added := map[string]int{}
	var answers [][]any
	for _, r := range rs {
		var id int64
		if err := st.QueryRowContext(ctx, round, r.community, Interview, interviewer, on).Scan(&id); err != nil {
			return errs.Internal("survey.Store.loadResponses: insert", err)
		}
		added[r.community]++
		c := division.Code(r.community)
		codes := []string{r.community, c.At(division.Township), c.At(division.County), c.At(division.City)}
		for _, a := range r.answers {
			// Option 0 counts the responses that answered the question.
			for _, code := range codes {
				summary[option{code, a.questionID, 0}]++
			}
			for _, v := range a.values {
				answers = append(answers, []any{id, a.questionID, v, a.text})
				for _, code := range codes {
					summary[option{code, a.questionID, v}]++
				}
			}
		}
	}
	if _, err := s.DB.InsertRows(ctx, `INSERT INTO survey_answers (response_id, question_id, value, text) VALUES `, 4, ``, answers); err != nil {
		return errs.Internal("survey.Store.loadResponses: answers", err)
	}
	keys := slices.SortedFunc(maps.Keys(summary), func(a, b option) int {
		return cmp.Or(strings.Compare(a.code, b.code), cmp.Compare(a.question, b.question), cmp.Compare(a.option, b.option))
	})
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, []any{round, k.code, k.question, k.option, summary[k]})
	}
	if _, err := s.DB.InsertRows(ctx, `INSERT INTO survey_summary (round_id, division_code, question_id, option, count) VALUES `, 5,
		` ON CONFLICT (round_id, division_code, question_id, option) DO UPDATE SET count = survey_summary.count + excluded.count`, rows); err != nil {
		return errs.Internal("survey.Store.loadResponses: summary", err)
	}
	return s.addTally(ctx, round, min, added)
}

// addTally adds a bulk load's interviews, by community, to the round's
// tally: a community's own row, and above it the responses, the
// communities answering for the first time and those reaching the round's
// minimum.
func (s *Store) addTally(ctx context.Context, round int64, min int, added map[string]int) error {
	had, err := db.Map[string, int](ctx, s.DB.Q(ctx), "survey.Store.addTally: select",
		`SELECT division_code, responses FROM survey_tally WHERE round_id = $1 AND level = $2`, round, division.Community)
	if err != nil {
		return err
	}
	type above struct{ level, responses, communities, surveyed int }
	ups := map[string]*above{}
	var own [][]any
	for _, code := range slices.Sorted(maps.Keys(added)) {
		n, was := added[code], had[code]
		now := was + n
		own = append(own, []any{round, code, division.Community, n, n, min1(now), boolInt(now >= min)})
		c := division.Code(code)
		for _, l := range []int{division.Township, division.County, division.City} {
			u := ups[c.At(l)]
			if u == nil {
				u = &above{level: l}
				ups[c.At(l)] = u
			}
			u.responses += n
			u.communities += boolInt(was == 0)
			u.surveyed += boolInt(was < min && now >= min)
		}
	}
	if _, err := s.DB.InsertRows(ctx, `INSERT INTO survey_tally (round_id, division_code, level, responses, interviews, communities, surveyed) VALUES `, 7,
		` ON CONFLICT (round_id, division_code) DO UPDATE SET responses = survey_tally.responses + excluded.responses,
		interviews = survey_tally.interviews + excluded.interviews, communities = excluded.communities, surveyed = excluded.surveyed`, own); err != nil {
		return errs.Internal("survey.Store.addTally: communities", err)
	}
	var rows [][]any
	for _, code := range slices.Sorted(maps.Keys(ups)) {
		u := ups[code]
		rows = append(rows, []any{round, code, u.level, u.responses, u.responses, u.communities, u.surveyed})
	}
	if _, err := s.DB.InsertRows(ctx, `INSERT INTO survey_tally (round_id, division_code, level, responses, interviews, communities, surveyed) VALUES `, 7,
		` ON CONFLICT (round_id, division_code) DO UPDATE SET responses = survey_tally.responses + excluded.responses,
		interviews = survey_tally.interviews + excluded.interviews, communities = survey_tally.communities + excluded.communities,
		surveyed = survey_tally.surveyed + excluded.surveyed`, rows); err != nil {
		return errs.Internal("survey.Store.addTally: above", err)
	}
	return nil
}

func min1(n int) int { return min(n, 1) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// close marks a round closed on a day.
func (s *Store) close(ctx context.Context, id int64, on, actor string) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE survey_rounds SET status = $1, closed_on = $2, closed_by = $3 WHERE id = $4 AND status = $5`,
		Closed, on, actor, id, Open); err != nil {
		return errs.Internal("survey.Store.close: update", err)
	}
	return nil
}

// due lists the open rounds whose last day is before today.
func (s *Store) due(ctx context.Context, today string) ([]int64, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id FROM survey_rounds WHERE status = $1 AND closes_on < $2 ORDER BY id`, Open, today)
	if err != nil {
		return nil, errs.Internal("survey.Store.due: select", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Internal("survey.Store.due: scan", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// covered lists the communities in [lo, hi] that a round closed in year
// counts as surveyed: at least the round's minimum responses there. With
// round > 0, only that round's.
func (s *Store) covered(ctx context.Context, year string, round int64, lo, hi string) ([]string, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT DISTINCT t.division_code FROM survey_tally t JOIN survey_rounds r ON r.id = t.round_id
		WHERE r.status = $1 AND r.closed_on BETWEEN $2 AND $3 AND t.level = $7 AND t.responses >= r.min_responses AND t.division_code BETWEEN $4 AND $5
		AND ($6 = 0 OR r.id = $6) ORDER BY t.division_code`, Closed, year+"-01-01", year+"-12-31", lo, hi, round, division.Community)
	if err != nil {
		return nil, errs.Internal("survey.Store.covered: select", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, errs.Internal("survey.Store.covered: scan", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// closedYears lists the years in which rounds closed.
func (s *Store) closedYears(ctx context.Context) ([]string, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT DISTINCT substr(closed_on, 1, 4) FROM survey_rounds WHERE status = $1 ORDER BY 1`, Closed)
	if err != nil {
		return nil, errs.Internal("survey.Store.closedYears: select", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var y string
		if err := rows.Scan(&y); err != nil {
			return nil, errs.Internal("survey.Store.closedYears: scan", err)
		}
		out = append(out, y)
	}
	return out, rows.Err()
}
