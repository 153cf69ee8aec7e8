-- +goose Up
-- Social organisations (社会组织), at any division (a county-level
-- incubation base sits at its county). Deregistration closes a record; it
-- is never deleted.
CREATE TABLE organizations (
    id                  INTEGER PRIMARY KEY,
    division_code       TEXT NOT NULL REFERENCES divisions(code),
    name                TEXT NOT NULL,
    registration        TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    type                TEXT NOT NULL,
    full_time_staff     INTEGER NOT NULL DEFAULT 0,
    incubation_base     BOOLEAN NOT NULL DEFAULT 0,
    status              TEXT NOT NULL,
    deregistered_on     TEXT,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    updated_by          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX organizations_division ON organizations(division_code, name);
CREATE INDEX organizations_registration_number ON organizations(registration_number);

-- +goose Down
DROP TABLE organizations;
