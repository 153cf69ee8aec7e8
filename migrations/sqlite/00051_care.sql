-- +goose Up
-- Monthly visits to elderly people with special difficulties.
--
-- care_months: one row per month whose tasks were generated (YYYY-MM, in
-- China's time), so the monthly job knows what it has done and catches up
-- after downtime; escalated_at is set once open tasks went to the township.
CREATE TABLE care_months (
    month        TEXT NOT NULL PRIMARY KEY,
    generated_at TIMESTAMP NOT NULL,
    tasks        INTEGER NOT NULL DEFAULT 0,
    escalated_at TIMESTAMP
);

-- care_tasks: one person to visit in one month. person_name is the name in
-- the registry when the task was made (the list must read without the
-- registry's keys). assignee_id is the account that visits (a grid worker
-- of the community, or whoever a community or township worker chose);
-- NULL while the community has no grid worker. visits counts the visits
-- recorded; escalated is set by the job after the 25th while none is.
CREATE TABLE care_tasks (
    id            INTEGER PRIMARY KEY,
    month         TEXT NOT NULL,
    person_id     BIGINT NOT NULL,
    person_name   TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    assignee_id   BIGINT REFERENCES users(id),
    visits        INTEGER NOT NULL DEFAULT 0,
    last_visit_at TIMESTAMP,
    escalated     BOOLEAN NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX care_tasks_month_person ON care_tasks (month, person_id);
CREATE INDEX care_tasks_division ON care_tasks (month, division_code, id);
CREATE INDEX care_tasks_assignee ON care_tasks (assignee_id, month, id);

-- care_visits: what happened at a visit. idem_key is chosen by the phone
-- for each visit, so a visit sent twice (a lost answer, a queue replayed
-- after a reconnection) is stored once. checklist is JSON (item → ok or
-- attention). location_sealed is the phone's position, sealed with the key
-- ring: it is where the person lives. follow_up is a finding that needs
-- action; follow_up_request is the request opened for it, when there is
-- one.
CREATE TABLE care_visits (
    id                INTEGER PRIMARY KEY,
    task_id           BIGINT NOT NULL REFERENCES care_tasks(id),
    division_code     TEXT NOT NULL REFERENCES divisions(code),
    visitor_id        BIGINT REFERENCES users(id),
    visitor_name      TEXT NOT NULL,
    visited_at        TIMESTAMP NOT NULL,
    method            TEXT NOT NULL,
    checklist         TEXT NOT NULL,
    notes             TEXT NOT NULL DEFAULT '',
    follow_up         TEXT NOT NULL DEFAULT '',
    follow_up_request BIGINT,
    location_sealed   TEXT NOT NULL DEFAULT '',
    idem_key          TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX care_visits_idem ON care_visits (idem_key);
CREATE INDEX care_visits_task ON care_visits (task_id, visited_at);

-- care_visit_photos: the photos of a visit (blobs of package upload).
CREATE TABLE care_visit_photos (
    visit_id BIGINT NOT NULL REFERENCES care_visits(id),
    blob_id  BIGINT NOT NULL REFERENCES upload_blobs(id),
    PRIMARY KEY (visit_id, blob_id)
);

-- +goose Down
DROP TABLE care_visit_photos;
DROP TABLE care_visits;
DROP TABLE care_tasks;
DROP TABLE care_months;
