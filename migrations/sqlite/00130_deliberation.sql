-- +goose Up
-- 协商议事 (internal/deliberation). Topics (议题) raised by verified
-- residents or workers and reviewed at their community; meetings on a topic
-- with their electorate and its basis; the quorum and majority rules as
-- data (seeded with the law's defaults, kept by city staff); attendance
-- signed in; votes whose voters are kept apart from the choices (a secret
-- ballot never links them); paper tallies with a witness; decisions
-- published (公示) for a period with residents' objections.
CREATE TABLE delib_topics (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    source_kind   TEXT NOT NULL,
    source_ref    TEXT NOT NULL DEFAULT '',
    proposer_id   BIGINT REFERENCES users(id),
    proposer_name TEXT NOT NULL,
    status        TEXT NOT NULL,
    plan          TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    merged_into   BIGINT REFERENCES delib_topics(id),
    reviewed_by   TEXT NOT NULL DEFAULT '',
    reviewed_at   TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX delib_topics_division ON delib_topics(division_code, status, id);
CREATE INDEX delib_topics_proposer ON delib_topics(proposer_id, id);

-- The rules: per meeting kind, community kind (rural, urban) and the basis
-- of the electorate. Quorum: present/electorate compared with num/den
-- (strict: more than; else at least); majority: yes/present likewise.
CREATE TABLE delib_rules (
    meeting_kind    TEXT NOT NULL,
    community_kind  TEXT NOT NULL,
    basis           TEXT NOT NULL,
    quorum_num      INTEGER NOT NULL,
    quorum_den      INTEGER NOT NULL CHECK (quorum_den > 0),
    quorum_strict   BOOLEAN NOT NULL,
    majority_num    INTEGER NOT NULL,
    majority_den    INTEGER NOT NULL CHECK (majority_den > 0),
    majority_strict BOOLEAN NOT NULL,
    source          TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    updated_at      TIMESTAMP,
    updated_by      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_kind, community_kind, basis)
);
INSERT INTO delib_rules (meeting_kind, community_kind, basis, quorum_num, quorum_den, quorum_strict, majority_num, majority_den, majority_strict, source) VALUES
 ('assembly', 'rural', 'adults', 1, 2, TRUE, 1, 2, TRUE, '村民委员会组织法第二十二条'),
 ('assembly', 'rural', 'households', 2, 3, FALSE, 1, 2, TRUE, '村民委员会组织法第二十二条'),
 ('assembly', 'urban', 'adults', 1, 2, TRUE, 1, 2, TRUE, '城市居民委员会组织法第九条'),
 ('assembly', 'urban', 'households', 1, 2, TRUE, 1, 2, TRUE, '城市居民委员会组织法第九条'),
 ('assembly', 'urban', 'group_representatives', 1, 2, TRUE, 1, 2, TRUE, '城市居民委员会组织法第九条'),
 ('representatives', 'rural', 'representatives', 2, 3, FALSE, 1, 2, TRUE, '村民委员会组织法第二十六条'),
 ('representatives', 'urban', 'representatives', 2, 3, FALSE, 1, 2, TRUE, '参照村民委员会组织法第二十六条'),
 ('consultation', 'rural', 'invited', 0, 1, FALSE, 1, 2, TRUE, '议事规则（无法定人数，可由市级调整）'),
 ('consultation', 'urban', 'invited', 0, 1, FALSE, 1, 2, TRUE, '议事规则（无法定人数，可由市级调整）'),
 ('hearing', 'rural', 'invited', 0, 1, FALSE, 1, 2, TRUE, '听证规则（无法定人数，可由市级调整）'),
 ('hearing', 'urban', 'invited', 0, 1, FALSE, 1, 2, TRUE, '听证规则（无法定人数，可由市级调整）');

CREATE TABLE delib_meetings (
    id              INTEGER PRIMARY KEY,
    topic_id        BIGINT NOT NULL REFERENCES delib_topics(id),
    division_code   TEXT NOT NULL REFERENCES divisions(code),
    kind            TEXT NOT NULL,
    mode            TEXT NOT NULL,
    title           TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    starts_at       TIMESTAMP NOT NULL,
    chair           TEXT NOT NULL DEFAULT '',
    facilitator     TEXT NOT NULL DEFAULT '',
    community_kind  TEXT NOT NULL,
    basis           TEXT NOT NULL,
    electorate      INTEGER NOT NULL CHECK (electorate >= 0),
    electorate_note TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    minutes         TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX delib_meetings_division ON delib_meetings(division_code, starts_at);
CREATE INDEX delib_meetings_topic ON delib_meetings(topic_id);

-- Attendance: person is 'u<user id>' for an account, 'n<name>' otherwise.
CREATE TABLE delib_attendance (
    meeting_id BIGINT NOT NULL REFERENCES delib_meetings(id),
    person     TEXT NOT NULL,
    user_id    BIGINT REFERENCES users(id),
    name       TEXT NOT NULL,
    signed_by  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, person)
);

CREATE TABLE delib_votes (
    id         INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES delib_meetings(id),
    motion     TEXT NOT NULL,
    secret     BOOLEAN NOT NULL,
    status     TEXT NOT NULL,
    opened_by  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    closed_at  TIMESTAMP
);
CREATE INDEX delib_votes_meeting ON delib_votes(meeting_id);

-- Who voted (one row per person and vote), apart from what was chosen.
CREATE TABLE delib_voters (
    vote_id    BIGINT NOT NULL REFERENCES delib_votes(id),
    person     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (vote_id, person)
);

-- The choices: anonymous for a secret ballot (person empty); a paper
-- tally's counts are rows of their own (tally_id set, n the count).
CREATE TABLE delib_ballots (
    id       INTEGER PRIMARY KEY,
    vote_id  BIGINT NOT NULL REFERENCES delib_votes(id),
    choice   TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
    n        INTEGER NOT NULL DEFAULT 1 CHECK (n >= 0),
    person   TEXT NOT NULL DEFAULT '',
    tally_id BIGINT
);
CREATE INDEX delib_ballots_vote ON delib_ballots(vote_id, choice);

CREATE TABLE delib_tallies (
    id          INTEGER PRIMARY KEY,
    vote_id     BIGINT NOT NULL REFERENCES delib_votes(id),
    yes         INTEGER NOT NULL CHECK (yes >= 0),
    no          INTEGER NOT NULL CHECK (no >= 0),
    abstain     INTEGER NOT NULL CHECK (abstain >= 0),
    recorded_by TEXT NOT NULL,
    witness     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE delib_decisions (
    id            INTEGER PRIMARY KEY,
    meeting_id    BIGINT NOT NULL REFERENCES delib_meetings(id),
    vote_id       BIGINT REFERENCES delib_votes(id),
    division_code TEXT NOT NULL REFERENCES divisions(code),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    shown_from    TEXT NOT NULL,
    shown_until   TEXT NOT NULL,
    project_id    BIGINT,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX delib_decisions_division ON delib_decisions(division_code, shown_until);

CREATE TABLE delib_objections (
    id          INTEGER PRIMARY KEY,
    decision_id BIGINT NOT NULL REFERENCES delib_decisions(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    body        TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX delib_objections_decision ON delib_objections(decision_id, id);

-- Photos of a meeting's minutes (会议纪要): blobs of platform/upload,
-- served only to those who may read the meeting.
CREATE TABLE delib_minutes_photos (
    meeting_id BIGINT NOT NULL REFERENCES delib_meetings(id),
    blob_id    BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, blob_id)
);

-- +goose Down
DROP TABLE delib_minutes_photos;
DROP TABLE delib_objections;
DROP TABLE delib_decisions;
DROP TABLE delib_tallies;
DROP TABLE delib_ballots;
DROP TABLE delib_voters;
DROP TABLE delib_votes;
DROP TABLE delib_attendance;
DROP TABLE delib_meetings;
DROP TABLE delib_rules;
DROP TABLE delib_topics;
