-- +goose Up
-- Volunteer service certificates (志愿服务证明), issued free of charge by
-- the organisation that recorded the hours (org_id: a volunteer
-- organisation; division_code: where it hangs, the area whose staff act
-- for it). A certificate keeps what it certified as it was when issued:
-- the volunteer's name and masked ID number (never the number itself), the
-- organisation's name, the records (certificate_items) and the seal.
CREATE TABLE certificate_seals (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    image         BLOB NOT NULL,
    sha256        TEXT NOT NULL,
    uploaded_at   TIMESTAMP NOT NULL,
    uploaded_by   TEXT NOT NULL
);
CREATE INDEX certificate_seals_org ON certificate_seals(org_id, id);

CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL,
    volunteer_id     BIGINT NOT NULL,
    volunteer_name   TEXT NOT NULL,
    id_number_masked TEXT NOT NULL,
    org_id           BIGINT NOT NULL,
    org_name         TEXT NOT NULL,
    division_code    TEXT NOT NULL REFERENCES divisions(code),
    period_from      TEXT NOT NULL,
    period_to        TEXT NOT NULL,
    hours_centi      BIGINT NOT NULL,
    seal_id          BIGINT NOT NULL REFERENCES certificate_seals(id),
    issued_at        TIMESTAMP NOT NULL,
    issued_by        TEXT NOT NULL,
    revoked_at       TIMESTAMP,
    revoked_by       TEXT NOT NULL DEFAULT '',
    revoke_reason    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX certificates_number ON certificates(number);
CREATE INDEX certificates_division ON certificates(division_code, issued_at);
CREATE INDEX certificates_volunteer ON certificates(volunteer_id);

CREATE TABLE certificate_items (
    certificate_id BIGINT NOT NULL REFERENCES certificates(id),
    seq            INTEGER NOT NULL,
    date           TEXT NOT NULL,
    hours_centi    BIGINT NOT NULL,
    content        TEXT NOT NULL,
    PRIMARY KEY (certificate_id, seq)
);

-- +goose Down
DROP TABLE certificate_items;
DROP TABLE certificates;
DROP TABLE certificate_seals;
