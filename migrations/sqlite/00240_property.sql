-- +goose Up
-- Property management (物业, issue #17): property companies (a registry of
-- their own; one serves many compounds, and may be linked to a handling
-- unit of the request catalogue so that property requests reach it), the
-- residential compounds (小区) of a community with their company and
-- contract or self-management, owners' committees (业主委员会, per
-- compound) and property management committees (物业管理委员会, at a
-- township or community) with their members and terms, and the joint
-- meetings (联席会议) of a management committee with their resolutions.
-- A company's contact person and phone are sealed (phone with a blind
-- index). property_requests links a request filed from a compound to it.
CREATE TABLE property_companies (
    id              INTEGER PRIMARY KEY,
    division_code   TEXT NOT NULL REFERENCES divisions(code),
    name            TEXT NOT NULL,
    credit_code     TEXT NOT NULL UNIQUE,
    contact_sealed  TEXT NOT NULL DEFAULT '',
    phone_sealed    TEXT NOT NULL DEFAULT '',
    phone_index     TEXT NOT NULL DEFAULT '',
    unit_id         BIGINT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    updated_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX property_companies_division ON property_companies(division_code, id);

CREATE TABLE property_compounds (
    id              INTEGER PRIMARY KEY,
    community_code  TEXT NOT NULL REFERENCES divisions(code),
    name            TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    households      INTEGER NOT NULL DEFAULT 0,
    buildings       INTEGER NOT NULL DEFAULT 0,
    management      TEXT NOT NULL,
    company_id      BIGINT REFERENCES property_companies(id),
    contract_start  TEXT NOT NULL DEFAULT '',
    contract_end    TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    updated_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX property_compounds_community ON property_compounds(community_code, id);
CREATE INDEX property_compounds_company ON property_compounds(company_id, id);

CREATE TABLE property_committees (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    division_code   TEXT NOT NULL REFERENCES divisions(code),
    compound_id     BIGINT REFERENCES property_compounds(id),
    name            TEXT NOT NULL,
    term_start      TEXT NOT NULL,
    term_end        TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX property_committees_division ON property_committees(division_code, id);

CREATE TABLE property_committee_members (
    id              INTEGER PRIMARY KEY,
    committee_id    BIGINT NOT NULL REFERENCES property_committees(id),
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX property_committee_members_committee ON property_committee_members(committee_id, id);

CREATE TABLE property_meetings (
    id              INTEGER PRIMARY KEY,
    committee_id    BIGINT NOT NULL REFERENCES property_committees(id),
    division_code   TEXT NOT NULL REFERENCES divisions(code),
    held_on         TEXT NOT NULL,
    topic           TEXT NOT NULL,
    attendees       TEXT NOT NULL DEFAULT '',
    resolutions     TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX property_meetings_committee ON property_meetings(committee_id, id);
CREATE INDEX property_meetings_division ON property_meetings(division_code, id);

CREATE TABLE property_requests (
    request_id      BIGINT PRIMARY KEY,
    compound_id     BIGINT NOT NULL REFERENCES property_compounds(id),
    resident_id     BIGINT NOT NULL,
    title           TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX property_requests_resident ON property_requests(resident_id, request_id);

-- +goose Down
DROP TABLE property_requests;
DROP TABLE property_meetings;
DROP TABLE property_committee_members;
DROP TABLE property_committees;
DROP TABLE property_compounds;
DROP TABLE property_companies;
