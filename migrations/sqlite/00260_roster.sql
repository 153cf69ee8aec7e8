-- +goose Up
-- The rosters of a community's six-part / five-part organisations (package
-- division): the members of each part with their position and term. The
-- phone is sealed. term_end '' is an open term; a term whose end is past
-- has ended. version counts changes (optimistic locking).
CREATE TABLE roster_members (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    part          TEXT NOT NULL,
    name          TEXT NOT NULL,
    position      TEXT NOT NULL,
    phone_sealed  TEXT NOT NULL DEFAULT '',
    term_start    TEXT NOT NULL,
    term_end      TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL
);
CREATE INDEX roster_members_division ON roster_members (division_code, part);

-- +goose Down
DROP TABLE roster_members;
