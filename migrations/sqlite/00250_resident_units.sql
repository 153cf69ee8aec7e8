-- +goose Up
-- 驻区单位 (package residentunit): the units in a community, their 共建协议
-- (agreements: dates, content, an optional scanned copy in upload_blobs)
-- and the resources they open to residents (venues, parking, services)
-- with hours. The three lists (package project) read the resources
-- through project.Registries; the resources it kept itself
-- (project_resources) move here with their ids, so a need matched to
-- "unit:<id>" still names the same resource.
--
-- resident_units: kind government, enterprise, public_institution,
-- school, hospital, other. The contact (a person's phone as often as not)
-- is sealed.
CREATE TABLE resident_units (
    id             INTEGER PRIMARY KEY,
    division_code  TEXT NOT NULL REFERENCES divisions(code),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    address        TEXT NOT NULL DEFAULT '',
    contact_sealed TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE UNIQUE INDEX resident_units_name ON resident_units (division_code, name);

-- resident_unit_agreements: dates are China dates (YYYY-MM-DD); ends_on
-- '' open-ended; copy_blob the scanned copy (owner residentunit.agreement).
CREATE TABLE resident_unit_agreements (
    id         INTEGER PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES resident_units(id),
    title      TEXT NOT NULL,
    content    TEXT NOT NULL DEFAULT '',
    signed_on  TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL DEFAULT '',
    copy_blob  BIGINT,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX resident_unit_agreements_unit ON resident_unit_agreements (unit_id, starts_on);

-- resident_unit_resources: kind venue, parking, funds, services, other;
-- serves: the kind of need it suits ('' any); capacity: people, places,
-- or fen for funds. division_code is the unit's.
CREATE TABLE resident_unit_resources (
    id             INTEGER PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES resident_units(id),
    division_code  TEXT NOT NULL REFERENCES divisions(code),
    name           TEXT NOT NULL,
    contact_sealed TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    serves         TEXT NOT NULL DEFAULT '',
    hours          TEXT NOT NULL DEFAULT '',
    capacity       BIGINT NOT NULL DEFAULT 0,
    details        TEXT NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX resident_unit_resources_division ON resident_unit_resources (division_code, kind, id);
CREATE INDEX resident_unit_resources_unit ON resident_unit_resources (unit_id, id);

-- The move: one unit per community and name the three lists knew, its
-- first recorder and time; every resource with its id.
INSERT INTO resident_units (division_code, name, kind, created_at, created_by)
SELECT r.division_code, r.unit_name, 'other', MIN(r.created_at),
       (SELECT f.created_by FROM project_resources f WHERE f.division_code = r.division_code AND f.unit_name = r.unit_name ORDER BY f.id LIMIT 1)
FROM project_resources r GROUP BY r.division_code, r.unit_name;
INSERT INTO resident_unit_resources (id, unit_id, division_code, name, contact_sealed, kind, serves, hours, capacity, details, active,
       created_at, created_by)
SELECT r.id, u.id, r.division_code, r.name, r.contact_sealed, r.kind, r.serves, r.hours, r.capacity, r.details, r.active, r.created_at,
       r.created_by
FROM project_resources r JOIN resident_units u ON u.division_code = r.division_code AND u.name = r.unit_name;
DROP TABLE project_resources;

-- +goose Down
CREATE TABLE project_resources (
    id             INTEGER PRIMARY KEY,
    division_code  TEXT NOT NULL REFERENCES divisions(code),
    name           TEXT NOT NULL,
    unit_name      TEXT NOT NULL,
    contact_sealed TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    serves         TEXT NOT NULL DEFAULT '',
    hours          TEXT NOT NULL DEFAULT '',
    capacity       BIGINT NOT NULL DEFAULT 0,
    details        TEXT NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX project_resources_division ON project_resources (division_code, kind, id);
INSERT INTO project_resources (id, division_code, name, unit_name, contact_sealed, kind, serves, hours, capacity, details, active,
       created_at, created_by)
SELECT r.id, r.division_code, r.name, u.name, r.contact_sealed, r.kind, r.serves, r.hours, r.capacity, r.details, r.active, r.created_at,
       r.created_by
FROM resident_unit_resources r JOIN resident_units u ON u.id = r.unit_id;
DROP TABLE resident_unit_resources;
DROP TABLE resident_unit_agreements;
DROP TABLE resident_units;
