-- +goose Up
-- People's mediation (人民调解) and legal services (法律顾问, 法律明白人),
-- kept per community. Committees have mediators (a worker of the
-- community's roster or a named volunteer) with terms. Cases keep their
-- parties' names, phones and ID numbers sealed (blind index on the ID
-- number), the mediators, a dated log of steps, the outcome (an agreement
-- with its terms, signing date and a scanned copy; or a failure with its
-- referral), the callback (回访) and the closure by someone other than
-- those who mediated it. A case opened from a resident request keeps the
-- request's id and number (one case per request). Legal advisers have a
-- log of their services; legal-literate villagers their training records.
CREATE TABLE mediation_committees (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    name           TEXT NOT NULL,
    established_on TEXT NOT NULL,
    chair          TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_committees_community ON mediation_committees(community_code, id);

CREATE TABLE mediation_mediators (
    id             INTEGER PRIMARY KEY,
    committee_id   BIGINT NOT NULL REFERENCES mediation_committees(id),
    community_code TEXT NOT NULL REFERENCES divisions(code),
    name           TEXT NOT NULL,
    worker_id      BIGINT,
    term_from      TEXT NOT NULL,
    term_to        TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_mediators_committee ON mediation_mediators(committee_id, id);
CREATE INDEX mediation_mediators_community ON mediation_mediators(community_code, id);

CREATE TABLE mediation_cases (
    id                 INTEGER PRIMARY KEY,
    community_code     TEXT NOT NULL REFERENCES divisions(code),
    kind               TEXT NOT NULL,
    summary            TEXT NOT NULL,
    request_id         BIGINT UNIQUE,
    request_number     TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    agreement_terms    TEXT NOT NULL DEFAULT '',
    agreement_signed_on TEXT NOT NULL DEFAULT '',
    agreement_blob     BIGINT,
    agreement_by       TEXT NOT NULL DEFAULT '',
    referral           TEXT NOT NULL DEFAULT '',
    failure_note       TEXT NOT NULL DEFAULT '',
    callback_on        TEXT NOT NULL DEFAULT '',
    callback_kept      TEXT NOT NULL DEFAULT '',
    callback_note      TEXT NOT NULL DEFAULT '',
    closed_on          TEXT NOT NULL DEFAULT '',
    closed_by          TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    created_by         TEXT NOT NULL DEFAULT '',
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX mediation_cases_community ON mediation_cases(community_code, id);

CREATE TABLE mediation_case_mediators (
    case_id     BIGINT NOT NULL REFERENCES mediation_cases(id),
    mediator_id BIGINT NOT NULL REFERENCES mediation_mediators(id),
    PRIMARY KEY (case_id, mediator_id)
);

CREATE TABLE mediation_parties (
    id              INTEGER PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES mediation_cases(id),
    name_sealed     TEXT NOT NULL,
    phone_sealed    TEXT NOT NULL DEFAULT '',
    id_number_sealed TEXT NOT NULL DEFAULT '',
    id_number_index TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_parties_case ON mediation_parties(case_id, id);
CREATE INDEX mediation_parties_id_number ON mediation_parties(id_number_index);

CREATE TABLE mediation_steps (
    id         INTEGER PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES mediation_cases(id),
    on_date    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    note       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_steps_case ON mediation_steps(case_id, on_date, id);

CREATE TABLE legal_advisers (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    name           TEXT NOT NULL,
    firm           TEXT NOT NULL,
    phone_sealed   TEXT NOT NULL DEFAULT '',
    term_from      TEXT NOT NULL,
    term_to        TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX legal_advisers_community ON legal_advisers(community_code, id);

CREATE TABLE legal_adviser_services (
    id             INTEGER PRIMARY KEY,
    adviser_id     BIGINT NOT NULL REFERENCES legal_advisers(id),
    community_code TEXT NOT NULL REFERENCES divisions(code),
    on_date        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    people         INTEGER NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX legal_adviser_services_adviser ON legal_adviser_services(adviser_id, on_date, id);
CREATE INDEX legal_adviser_services_community ON legal_adviser_services(community_code, on_date, id);

CREATE TABLE legal_literates (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    name           TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX legal_literates_community ON legal_literates(community_code, id);

CREATE TABLE legal_literate_trainings (
    id             INTEGER PRIMARY KEY,
    literate_id    BIGINT NOT NULL REFERENCES legal_literates(id),
    community_code TEXT NOT NULL REFERENCES divisions(code),
    on_date        TEXT NOT NULL,
    course         TEXT NOT NULL,
    hours          INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX legal_literate_trainings_literate ON legal_literate_trainings(literate_id, on_date, id);

-- +goose Down
DROP TABLE legal_literate_trainings;
DROP TABLE legal_literates;
DROP TABLE legal_adviser_services;
DROP TABLE legal_advisers;
DROP TABLE mediation_steps;
DROP TABLE mediation_parties;
DROP TABLE mediation_case_mediators;
DROP TABLE mediation_cases;
DROP TABLE mediation_mediators;
DROP TABLE mediation_committees;
