-- +goose Up
-- The people registry (special groups). ID numbers, phones and addresses
-- (the person's and the contact's phone) are personal data: sealed with the
-- key ring (pii.Seal) and found by exact value through their blind index
-- (pii.Index); never stored in plaintext or masked form. Birth date, birth
-- year and sex come from the ID number and stay plain, so that ages and
-- group counts need no decryption. Dates are ISO text (YYYY-MM-DD).
CREATE TABLE persons (
    id                   INTEGER PRIMARY KEY,
    community_code       TEXT NOT NULL REFERENCES divisions(code),
    name                 TEXT NOT NULL,
    id_number_sealed     TEXT NOT NULL,
    id_number_index      TEXT NOT NULL,
    birth_date           TEXT NOT NULL,
    birth_year           INTEGER NOT NULL,
    sex                  TEXT NOT NULL,
    phone_sealed         TEXT NOT NULL DEFAULT '',
    phone_index          TEXT NOT NULL DEFAULT '',
    address_sealed       TEXT NOT NULL DEFAULT '',
    address_index        TEXT NOT NULL DEFAULT '',
    household            TEXT NOT NULL DEFAULT '',
    contact_name         TEXT NOT NULL DEFAULT '',
    contact_phone_sealed TEXT NOT NULL DEFAULT '',
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    updated_by           TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX persons_id_number_index ON persons(id_number_index);
CREATE INDEX persons_community ON persons(community_code, name);
CREATE INDEX persons_phone_index ON persons(phone_index);
CREATE INDEX persons_address_index ON persons(address_index);

-- Group memberships: a person belongs to a group from start_date to
-- end_date (open while NULL) on a recorded basis. kinds holds the sub-kinds
-- of the elderly group (comma-separated); category and grade the disability.
-- community_code copies the person's, so that a group in an area is one
-- index range scan.
CREATE TABLE person_groups (
    id             INTEGER PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES persons(id),
    community_code TEXT NOT NULL,
    grp            TEXT NOT NULL,
    kinds          TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL DEFAULT '',
    grade          TEXT NOT NULL DEFAULT '',
    start_date     TEXT NOT NULL,
    end_date       TEXT,
    basis          TEXT NOT NULL
);
CREATE INDEX person_groups_person ON person_groups(person_id);
CREATE INDEX person_groups_grp ON person_groups(grp, community_code);

-- The history of a person's record: each change with the fields before and
-- after, sealed fields masked.
CREATE TABLE person_changes (
    id        INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES persons(id),
    at        TIMESTAMP NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL
);
CREATE INDEX person_changes_person ON person_changes(person_id, id);

-- +goose Down
DROP TABLE person_changes;
DROP TABLE person_groups;
DROP TABLE persons;
