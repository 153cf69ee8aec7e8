-- +goose Up
-- Emergencies (package emergency): each community's emergency plan
-- (应急预案, a new version keeps the old: one row per version), its drills
-- (演练), its micro fire stations (微型消防站), and the alerts (预警) staff
-- send to an area with the vulnerable people's task lists and coverage.
CREATE TABLE emergency_plans (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    version        INTEGER NOT NULL,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL DEFAULT '',
    contacts       TEXT NOT NULL DEFAULT '',
    file_id        BIGINT,
    file_name      TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX emergency_plans_version ON emergency_plans(community_code, version);

CREATE TABLE emergency_drills (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    held_on        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    participants   INTEGER NOT NULL DEFAULT 0,
    note           TEXT NOT NULL DEFAULT '',
    photo_id       BIGINT,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX emergency_drills_community ON emergency_drills(community_code, held_on);

CREATE TABLE fire_stations (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    place          TEXT NOT NULL,
    equipment      TEXT NOT NULL DEFAULT '',
    members        INTEGER NOT NULL DEFAULT 0,
    phone          TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX fire_stations_community ON fire_stations(community_code);

-- An alert to the division area_code (a township, county, the city or a
-- community) by a staff account whose area holds it; [area_lo, area_hi] is
-- its range of codes, so that "the alert reaches my area" and "the alert
-- lies in my area" are both one overlap test.
CREATE TABLE emergency_alerts (
    id            INTEGER PRIMARY KEY,
    area_code     TEXT NOT NULL REFERENCES divisions(code),
    area_lo       TEXT NOT NULL,
    area_hi       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    level         TEXT NOT NULL,
    body          TEXT NOT NULL,
    sender_id     BIGINT NOT NULL REFERENCES users(id),
    sender        TEXT NOT NULL,
    residents     INTEGER NOT NULL DEFAULT 0,
    sms           INTEGER NOT NULL DEFAULT 0,
    sent_at       TIMESTAMP NOT NULL
);
CREATE INDEX emergency_alerts_area ON emergency_alerts(area_code, id);

-- Residents notified per community of an alert (counted when sent).
CREATE TABLE emergency_alert_reach (
    alert_id       BIGINT NOT NULL REFERENCES emergency_alerts(id),
    community_code TEXT NOT NULL,
    residents      INTEGER NOT NULL,
    PRIMARY KEY (alert_id, community_code)
);

-- One task per vulnerable person of the area: the person's id and masked
-- name only; status pending, reached or not_reached, with a note.
CREATE TABLE emergency_tasks (
    id             INTEGER PRIMARY KEY,
    alert_id       BIGINT NOT NULL REFERENCES emergency_alerts(id),
    community_code TEXT NOT NULL,
    person_id      BIGINT NOT NULL,
    name_masked    TEXT NOT NULL,
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending',
    note           TEXT NOT NULL DEFAULT '',
    marked_by      TEXT NOT NULL DEFAULT '',
    marked_at      TIMESTAMP
);
CREATE INDEX emergency_tasks_alert ON emergency_tasks(alert_id, community_code, status);

-- The resident accounts of an area, by role and division: the alert's
-- INSERT … SELECT into the inboxes reads one range of it.
CREATE INDEX users_role_area ON users(role, area_code);

-- +goose Down
DROP INDEX users_role_area;
DROP TABLE emergency_tasks;
DROP TABLE emergency_alert_reach;
DROP TABLE emergency_alerts;
DROP TABLE fire_stations;
DROP TABLE emergency_drills;
DROP TABLE emergency_plans;
