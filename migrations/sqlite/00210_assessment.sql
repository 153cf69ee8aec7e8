-- +goose Up
-- One assessment of communities (综合考核评比, plan 四(六)3): instead of
-- each department's own, a county (or the city, city-wide) defines one
-- scheme a year. Its items carry weights that sum to 100 and a scoring
-- rule: computed from live data (an indicator, the 三率, the visit rate)
-- with a linear or stepped rule, or scored by hand with evidence. No rule
-- can veto the whole (一票否决): an item only adds points between 0 and its
-- weight. Each community self-assesses, its township reviews (the
-- computed items are recomputed and frozen then), the county approves or
-- returns it; the results and ranks are published within the area.
CREATE TABLE assessment_schemes (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    year          INTEGER NOT NULL,
    name          TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'draft',
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    opened_at     TIMESTAMP,
    published_at  TIMESTAMP,
    UNIQUE (division_code, year)
);

CREATE TABLE assessment_items (
    id           INTEGER PRIMARY KEY,
    scheme_id    INTEGER NOT NULL REFERENCES assessment_schemes(id),
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    weight       INTEGER NOT NULL CHECK (weight > 0 AND weight <= 100),
    method       TEXT NOT NULL,
    metric       TEXT NOT NULL DEFAULT '',
    rule         TEXT NOT NULL DEFAULT '',
    floor_value  REAL,
    target_value REAL,
    steps        TEXT NOT NULL DEFAULT '',
    guidance     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assessment_items_scheme ON assessment_items(scheme_id, position);

CREATE TABLE assessments (
    id             INTEGER PRIMARY KEY,
    scheme_id      INTEGER NOT NULL REFERENCES assessment_schemes(id),
    year           INTEGER NOT NULL,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    state          TEXT NOT NULL,
    total          REAL,
    submitted_by   INTEGER,
    submitter      TEXT NOT NULL DEFAULT '',
    submitted_at   TIMESTAMP,
    reviewed_by    INTEGER,
    reviewer       TEXT NOT NULL DEFAULT '',
    reviewed_at    TIMESTAMP,
    approved_by    INTEGER,
    approver       TEXT NOT NULL DEFAULT '',
    approved_at    TIMESTAMP,
    return_reason  TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (community_code, year)
);
CREATE INDEX assessments_scheme ON assessments(scheme_id, community_code);

CREATE TABLE assessment_scores (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    item_id       INTEGER NOT NULL REFERENCES assessment_items(id),
    value         REAL,
    self_points   REAL,
    points        REAL,
    note          TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    scored_by     TEXT NOT NULL DEFAULT '',
    scored_at     TIMESTAMP,
    PRIMARY KEY (assessment_id, item_id)
);

CREATE TABLE assessment_evidence (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    item_id       INTEGER NOT NULL REFERENCES assessment_items(id),
    blob_id       INTEGER NOT NULL REFERENCES upload_blobs(id),
    PRIMARY KEY (assessment_id, item_id, blob_id)
);

-- +goose Down
DROP TABLE assessment_evidence;
DROP TABLE assessment_scores;
DROP TABLE assessments;
DROP TABLE assessment_items;
DROP TABLE assessment_schemes;
