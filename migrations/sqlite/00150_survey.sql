-- +goose Up
-- Satisfaction surveys (满意度测评). A questionnaire (问卷) is kept at the
-- division of the staff who made it and reused by rounds: a round asks it
-- in a community, or in every community under an area, between two dates,
-- and counts a community as surveyed when it closes with at least the
-- round's minimum responses there. Answers are anonymous: the accounts that
-- answered a round (survey_respondents) are kept apart from the responses,
-- which name only their community, their channel and, for an interview,
-- the worker who entered it. In every answer's transaction survey_summary
-- counts each option of each question per round at the community and at
-- each division above it (township, county, city), and survey_tally the
-- responses, interviews, communities answering and communities at the
-- round's minimum, so that the results of any division are read from a
-- few dozen rows.
CREATE TABLE survey_questionnaires (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_questionnaires_division ON survey_questionnaires(division_code, id);

CREATE TABLE survey_questions (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES survey_questionnaires(id),
    position         INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    text             TEXT NOT NULL,
    required         BOOLEAN NOT NULL DEFAULT FALSE,
    options          TEXT NOT NULL DEFAULT '',
    UNIQUE (questionnaire_id, position)
);

CREATE TABLE survey_rounds (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES survey_questionnaires(id),
    division_code    TEXT NOT NULL REFERENCES divisions(code),
    title            TEXT NOT NULL,
    opens_on         TEXT NOT NULL,
    closes_on        TEXT NOT NULL,
    min_responses    INTEGER NOT NULL DEFAULT 30,
    status           TEXT NOT NULL,
    closed_on        TEXT,
    created_at       TIMESTAMP NOT NULL,
    created_by       TEXT NOT NULL DEFAULT '',
    closed_by        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_rounds_division ON survey_rounds(division_code, id);
CREATE INDEX survey_rounds_open ON survey_rounds(status, closes_on);

CREATE TABLE survey_respondents (
    round_id INTEGER NOT NULL REFERENCES survey_rounds(id),
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (round_id, user_id)
);

CREATE TABLE survey_responses (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES survey_rounds(id),
    community_code TEXT NOT NULL REFERENCES divisions(code),
    channel        TEXT NOT NULL,
    interviewer    TEXT NOT NULL DEFAULT '',
    answered_on    TEXT NOT NULL
);
CREATE INDEX survey_responses_round ON survey_responses(round_id, community_code);

CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses(id),
    question_id INTEGER NOT NULL REFERENCES survey_questions(id),
    value       INTEGER NOT NULL DEFAULT 0,
    text        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_answers_response ON survey_answers(response_id);
CREATE INDEX survey_answers_question ON survey_answers(question_id);

CREATE TABLE survey_tally (
    round_id      INTEGER NOT NULL REFERENCES survey_rounds(id),
    division_code TEXT NOT NULL REFERENCES divisions(code),
    level         SMALLINT NOT NULL,
    responses     INTEGER NOT NULL DEFAULT 0,
    interviews    INTEGER NOT NULL DEFAULT 0,
    communities   INTEGER NOT NULL DEFAULT 0,
    surveyed      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, division_code)
);
CREATE INDEX survey_tally_level ON survey_tally(round_id, level, division_code);

CREATE TABLE survey_summary (
    round_id      INTEGER NOT NULL REFERENCES survey_rounds(id),
    division_code TEXT NOT NULL REFERENCES divisions(code),
    question_id   INTEGER NOT NULL REFERENCES survey_questions(id),
    option        INTEGER NOT NULL,
    count         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, division_code, question_id, option)
);

-- +goose Down
DROP TABLE survey_summary;
DROP TABLE survey_tally;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_respondents;
DROP TABLE survey_rounds;
DROP TABLE survey_questions;
DROP TABLE survey_questionnaires;
