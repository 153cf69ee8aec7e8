-- +goose Up
-- Volunteers (志愿者), their organisations, activities, sign-ups, check-ins,
-- service records and corrections (民政部《志愿服务记录与证明出具办法（试行）》:
-- whoever organises the service records it). ID numbers and phones are
-- personal data: sealed with the key ring and found by their blind index.
-- Dates are ISO text (YYYY-MM-DD); hours are kept in hundredths.
CREATE TABLE volunteers (
    id               INTEGER PRIMARY KEY,
    user_id          BIGINT REFERENCES users(id),
    community_code   TEXT NOT NULL REFERENCES divisions(code),
    name             TEXT NOT NULL,
    id_number_sealed TEXT NOT NULL,
    id_number_index  TEXT NOT NULL UNIQUE,
    phone_sealed     TEXT NOT NULL DEFAULT '',
    phone_index      TEXT NOT NULL DEFAULT '',
    skills           TEXT NOT NULL DEFAULT '',
    availability     TEXT NOT NULL DEFAULT '',
    service_areas    TEXT NOT NULL DEFAULT '',
    hours_centi      BIGINT NOT NULL DEFAULT 0,
    last_served      TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    created_by       TEXT NOT NULL DEFAULT '',
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX volunteers_user ON volunteers(user_id);
CREATE INDEX volunteers_community ON volunteers(community_code, name);
CREATE INDEX volunteers_phone_index ON volunteers(phone_index);
CREATE INDEX volunteers_last_served ON volunteers(last_served);

-- Organisations that organise volunteer service: civilisation practice
-- stations, volunteer teams, social organisations, community committees.
CREATE TABLE volunteer_orgs (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX volunteer_orgs_name ON volunteer_orgs(division_code, name);

CREATE TABLE volunteer_org_members (
    org_id       BIGINT NOT NULL REFERENCES volunteer_orgs(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    lead         BOOLEAN NOT NULL DEFAULT 0,
    joined_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, volunteer_id)
);
CREATE INDEX volunteer_org_members_volunteer ON volunteer_org_members(volunteer_id);

-- Activities: taken (confirmed sign-ups) never exceeds slots.
CREATE TABLE volunteer_activities (
    id             INTEGER PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES volunteer_orgs(id),
    community_code TEXT NOT NULL REFERENCES divisions(code),
    title          TEXT NOT NULL,
    content        TEXT NOT NULL DEFAULT '',
    target         TEXT NOT NULL,
    place          TEXT NOT NULL,
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP NOT NULL,
    slots          INTEGER NOT NULL,
    taken          INTEGER NOT NULL DEFAULT 0,
    skills         TEXT NOT NULL DEFAULT '',
    counts_hours   BOOLEAN NOT NULL DEFAULT 1,
    status         TEXT NOT NULL DEFAULT 'open',
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    closed_at      TIMESTAMP,
    closed_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX volunteer_activities_community ON volunteer_activities(community_code, starts_at);
CREATE INDEX volunteer_activities_org ON volunteer_activities(org_id, starts_at);

-- Sign-ups: status confirmed, waiting or cancelled; the waiting list moves
-- up in id order. Check-in and check-out keep the 30-second window of the
-- code used (replays are refused) or a reason when the lead confirmed by hand.
CREATE TABLE volunteer_signups (
    id              INTEGER PRIMARY KEY,
    activity_id     BIGINT NOT NULL REFERENCES volunteer_activities(id),
    volunteer_id    BIGINT NOT NULL REFERENCES volunteers(id),
    status          TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    checkin_at      TIMESTAMP,
    checkin_window  BIGINT,
    checkout_at     TIMESTAMP,
    checkout_window BIGINT,
    manual_reason   TEXT NOT NULL DEFAULT '',
    UNIQUE (activity_id, volunteer_id)
);
CREATE INDEX volunteer_signups_activity ON volunteer_signups(activity_id, status, id);
CREATE INDEX volunteer_signups_volunteer ON volunteer_signups(volunteer_id);

-- Service records: one per volunteer and activity (or entered by hand).
-- They hang on the volunteer, so they move with them; community_code is
-- where the service was done.
CREATE TABLE volunteer_records (
    id             INTEGER PRIMARY KEY,
    volunteer_id   BIGINT NOT NULL REFERENCES volunteers(id),
    activity_id    BIGINT REFERENCES volunteer_activities(id),
    org_id         BIGINT NOT NULL REFERENCES volunteer_orgs(id),
    community_code TEXT NOT NULL REFERENCES divisions(code),
    date           TEXT NOT NULL,
    place          TEXT NOT NULL,
    content        TEXT NOT NULL,
    hours_centi    BIGINT NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    TIMESTAMP NOT NULL
);
CREATE INDEX volunteer_records_volunteer ON volunteer_records(volunteer_id, date);
CREATE INDEX volunteer_records_community ON volunteer_records(community_code, date);
CREATE UNIQUE INDEX volunteer_records_activity ON volunteer_records(activity_id, volunteer_id);

-- Corrections a volunteer asks for; the organiser approves or refuses.
CREATE TABLE volunteer_corrections (
    id           INTEGER PRIMARY KEY,
    record_id    BIGINT NOT NULL REFERENCES volunteer_records(id),
    hours_centi  BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    decision     TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP
);
CREATE INDEX volunteer_corrections_record ON volunteer_corrections(record_id, status);

-- +goose Down
DROP TABLE volunteer_corrections;
DROP TABLE volunteer_records;
DROP TABLE volunteer_signups;
DROP TABLE volunteer_activities;
DROP TABLE volunteer_org_members;
DROP TABLE volunteer_orgs;
DROP TABLE volunteers;
