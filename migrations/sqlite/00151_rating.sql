-- +goose Up
-- Service ratings (好差评), one mechanism for every rated subject: a
-- facility, a community worker's service, later a project, a proxy case, a
-- property company. A resident account rates a subject (kind + id) once
-- per occasion on the national five levels (5 非常满意 … 1 非常不满意) with a
-- comment; the row keeps the subject's name and community as they were. A
-- rating of 2 or 1 (差评) opens a rectification (整改) owed by the
-- subject's community, due on a day, closed by a staff reply that the
-- rater reads on the rating's page.
CREATE TABLE ratings (
    id              INTEGER PRIMARY KEY,
    subject_kind    TEXT NOT NULL,
    subject_id      INTEGER NOT NULL,
    subject_name    TEXT NOT NULL,
    division_code   TEXT NOT NULL REFERENCES divisions(code),
    rater_id        INTEGER NOT NULL,
    occasion        TEXT NOT NULL DEFAULT '',
    level           INTEGER NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    rectification   TEXT NOT NULL DEFAULT '',
    due_on          TEXT,
    reply           TEXT NOT NULL DEFAULT '',
    replied_at      TIMESTAMP,
    replied_by      TEXT NOT NULL DEFAULT '',
    UNIQUE (subject_kind, subject_id, rater_id, occasion)
);
CREATE INDEX ratings_division ON ratings(division_code, id);
CREATE INDEX ratings_rater ON ratings(rater_id, id);
CREATE INDEX ratings_rectification ON ratings(rectification, due_on);

-- +goose Down
DROP TABLE ratings;
