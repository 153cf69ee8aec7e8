-- +goose Up
-- Resident requests handled as 接诉即办 (package request).
--
-- request_units: handling units (承办单位). kind is township, community,
-- department, utility or company; division_code is where the unit sits
-- (a township or community unit acts for that division).
CREATE TABLE request_units (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX request_units_name ON request_units (division_code, name);

-- request_unit_members: the accounts (role handling_unit) of a unit.
CREATE TABLE request_unit_members (
    user_id BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    unit_id BIGINT NOT NULL REFERENCES request_units(id)
);
CREATE INDEX request_unit_members_unit ON request_unit_members (unit_id);

-- request_categories: the category tree of the dispatch catalogue.
-- urgency is the default urgency of a request of the category.
CREATE TABLE request_categories (
    code        TEXT NOT NULL PRIMARY KEY,
    parent_code TEXT REFERENCES request_categories(code),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    urgency     TEXT NOT NULL,
    sort        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_categories_parent ON request_categories (parent_code, sort);

-- request_policies: per category and division (the rule applies to the
-- division's subtree; the deepest match wins), from a date: the default
-- handling unit and the deadline limits per urgency (JSON: urgency →
-- {"response": "2h", "resolution": "7d"}; d counts working days). A change
-- is a new row; requests keep the policy_id in force when they arrived.
CREATE TABLE request_policies (
    id             INTEGER PRIMARY KEY,
    category_code  TEXT NOT NULL REFERENCES request_categories(code),
    division_code  TEXT NOT NULL REFERENCES divisions(code),
    effective_from TIMESTAMP NOT NULL,
    unit_id        BIGINT REFERENCES request_units(id),
    limits         TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX request_policies_lookup ON request_policies (category_code, division_code, effective_from);

-- requests: one resident request. division_code is the community where
-- the problem is. status: submitted, dispatched, accepted, returned,
-- replied, closed. unit_id is the unit holding it now (lead); first_unit_id
-- the first unit that accepted (首接负责: it stays responsible).
-- dispatch_rank is the lowest staff rank that may dispatch it (raised one
-- level when returns reach the limit). phone_sealed is sealed with the key
-- ring, phone_index its blind index. response_due / resolution_due come
-- from the policy; responded_at is the first response, resolved_at the
-- reply, closed_at the closure. warned_at / escalated_at are set by the
-- deadline job. excluded: an appeal was approved (out of the 三率).
-- satisfaction: the last valid callback or rating (satisfied,
-- basically_satisfied, not_satisfied; '' none).
CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,
    division_code   TEXT NOT NULL REFERENCES divisions(code),
    category_code   TEXT NOT NULL REFERENCES request_categories(code),
    urgency         TEXT NOT NULL,
    status          TEXT NOT NULL,
    channel         TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    resident_id     BIGINT REFERENCES users(id),
    contact_name    TEXT NOT NULL DEFAULT '',
    phone_sealed    TEXT NOT NULL DEFAULT '',
    phone_index     TEXT NOT NULL DEFAULT '',
    anonymous       BOOLEAN NOT NULL DEFAULT 0,
    unit_id         BIGINT REFERENCES request_units(id),
    first_unit_id   BIGINT REFERENCES request_units(id),
    policy_id       BIGINT REFERENCES request_policies(id),
    returns         INTEGER NOT NULL DEFAULT 0,
    dispatch_rank   SMALLINT NOT NULL DEFAULT 3,
    supervised      BOOLEAN NOT NULL DEFAULT 0,
    response_due    TIMESTAMP NOT NULL,
    resolution_due  TIMESTAMP NOT NULL,
    dispatched_at   TIMESTAMP,
    responded_at    TIMESTAMP,
    resolved_at     TIMESTAMP,
    closed_at       TIMESTAMP,
    warned_at       TIMESTAMP,
    escalated_at    TIMESTAMP,
    excluded        BOOLEAN NOT NULL DEFAULT 0,
    satisfaction    TEXT NOT NULL DEFAULT '',
    reply           TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX requests_division ON requests (division_code, created_at);
CREATE INDEX requests_status ON requests (status, division_code, id);
CREATE INDEX requests_unit ON requests (unit_id, status, id);
CREATE INDEX requests_resident ON requests (resident_id, id);
CREATE INDEX requests_open_due ON requests (closed_at, resolution_due);
CREATE INDEX requests_category ON requests (category_code, division_code, created_at);

-- request_assignments: every unit a request was dispatched to (lead or
-- assist); a unit sees the requests listed here for it. ended_at is set
-- when it returned the request.
CREATE TABLE request_assignments (
    request_id  BIGINT NOT NULL REFERENCES requests(id),
    unit_id     BIGINT NOT NULL REFERENCES request_units(id),
    role        TEXT NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP,
    PRIMARY KEY (request_id, unit_id)
);
CREATE INDEX request_assignments_unit ON request_assignments (unit_id, request_id);

-- request_events: the timeline, one row per step, with who and when.
-- data is JSON of the step's details.
CREATE TABLE request_events (
    id         INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests(id),
    action     TEXT NOT NULL,
    actor_id   BIGINT,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    unit_id    BIGINT REFERENCES request_units(id),
    note       TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}',
    at         TIMESTAMP NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- request_photos: photos of a request (blobs of package upload).
CREATE TABLE request_photos (
    request_id BIGINT NOT NULL REFERENCES requests(id),
    blob_id    BIGINT NOT NULL REFERENCES upload_blobs(id),
    PRIMARY KEY (request_id, blob_id)
);

-- request_callbacks: callbacks by staff (kind callback) and online
-- ratings by the resident (kind rating). satisfaction: satisfied,
-- basically_satisfied, not_satisfied; '' when the resident was not reached.
CREATE TABLE request_callbacks (
    id           INTEGER PRIMARY KEY,
    request_id   BIGINT NOT NULL REFERENCES requests(id),
    kind         TEXT NOT NULL,
    contacted    BOOLEAN NOT NULL,
    solved       BOOLEAN NOT NULL,
    satisfaction TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    actor_id     BIGINT,
    actor_name   TEXT NOT NULL,
    at           TIMESTAMP NOT NULL
);
CREATE INDEX request_callbacks_request ON request_callbacks (request_id, id);

-- request_extensions: a unit asks for a later resolution deadline;
-- status pending, approved, refused, decided one level up.
CREATE TABLE request_extensions (
    id           INTEGER PRIMARY KEY,
    request_id   BIGINT NOT NULL REFERENCES requests(id),
    unit_id      BIGINT NOT NULL REFERENCES request_units(id),
    days         INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP,
    decision     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_extensions_request ON request_extensions (request_id, id);

-- request_appeals: a unit asks to exclude a request from scoring (reason
-- malicious, duplicate, out_of_scope); status pending, approved, refused.
CREATE TABLE request_appeals (
    id           INTEGER PRIMARY KEY,
    request_id   BIGINT NOT NULL REFERENCES requests(id),
    unit_id      BIGINT NOT NULL REFERENCES request_units(id),
    reason       TEXT NOT NULL,
    note         TEXT NOT NULL,
    status       TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP,
    decision     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_appeals_request ON request_appeals (request_id, id);
CREATE INDEX request_appeals_status ON request_appeals (status, id);

-- request_outbox: messages to send (channel sms or inapp). A message goes
-- to an account (user_id), to the accounts of a unit (unit_id), or to the
-- staff of a division (division_code, role); phone_sealed for SMS to a
-- resident without an account. status pending, sent, failed.
CREATE TABLE request_outbox (
    id            INTEGER PRIMARY KEY,
    channel       TEXT NOT NULL,
    request_id    BIGINT REFERENCES requests(id),
    user_id       BIGINT REFERENCES users(id),
    unit_id       BIGINT REFERENCES request_units(id),
    division_code TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    phone_sealed  TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    sent_at       TIMESTAMP
);
CREATE INDEX request_outbox_status ON request_outbox (status, id);
CREATE INDEX request_outbox_request ON request_outbox (request_id, id);
CREATE INDEX request_outbox_user ON request_outbox (user_id, id);

-- request_settings: numbers the city may change (key → integer value),
-- e.g. returns_limit.
CREATE TABLE request_settings (
    key        TEXT NOT NULL PRIMARY KEY,
    value      BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

-- calendar_days: additions to the shipped holiday calendar (package
-- calendar): kind holiday or workday; they override the shipped file.
CREATE TABLE calendar_days (
    day        TEXT NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);

-- +goose Down
DROP TABLE calendar_days;
DROP TABLE request_settings;
DROP TABLE request_outbox;
DROP TABLE request_appeals;
DROP TABLE request_extensions;
DROP TABLE request_callbacks;
DROP TABLE request_photos;
DROP TABLE request_events;
DROP TABLE request_assignments;
DROP TABLE requests;
DROP TABLE request_policies;
DROP TABLE request_categories;
DROP TABLE request_unit_members;
DROP TABLE request_units;
