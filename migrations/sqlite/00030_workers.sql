-- +goose Up
-- Community workers (社区工作者). The phone and the ID number are personal
-- data: sealed with the key ring (pii.Seal) and found by exact value through
-- their blind index (pii.Index); never stored in plaintext or masked form.
-- Dates are ISO text (YYYY-MM-DD), compared as text on both engines.
CREATE TABLE workers (
    id                      INTEGER PRIMARY KEY,
    community_code          TEXT NOT NULL REFERENCES divisions(code),
    name                    TEXT NOT NULL,
    phone_sealed            TEXT NOT NULL DEFAULT '',
    phone_index             TEXT NOT NULL DEFAULT '',
    id_number_sealed        TEXT NOT NULL DEFAULT '',
    id_number_index         TEXT NOT NULL DEFAULT '',
    post                    TEXT NOT NULL,
    in_post_from            TEXT NOT NULL,
    in_post_to              TEXT,
    certified_social_worker BOOLEAN NOT NULL DEFAULT 0,
    disaster_officer        BOOLEAN NOT NULL DEFAULT 0,
    version                 INTEGER NOT NULL DEFAULT 1,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    updated_by              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX workers_community ON workers(community_code, name);
CREATE INDEX workers_phone_index ON workers(phone_index);
CREATE INDEX workers_id_number_index ON workers(id_number_index);

-- Training records of a worker (course, hours, date, level).
CREATE TABLE worker_trainings (
    id         INTEGER PRIMARY KEY,
    worker_id  BIGINT NOT NULL REFERENCES workers(id),
    course     TEXT NOT NULL,
    hours      REAL NOT NULL,
    date       TEXT NOT NULL,
    level      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX worker_trainings_worker ON worker_trainings(worker_id, date);

-- +goose Down
DROP TABLE worker_trainings;
DROP TABLE workers;
