-- +goose Up
-- Residents who signed themselves up with a mobile number (internal/resident):
-- the account is a users row of role resident at its community; this row
-- holds the sealed number (with its blind index, for code sign-in and the
-- one-account-per-number rule), the optional sealed ID number, and whether a
-- worker of the community has confirmed residence (认证居民; later votes
-- count only verified residents).
CREATE TABLE residents (
    user_id          BIGINT PRIMARY KEY REFERENCES users(id),
    community_code   TEXT NOT NULL REFERENCES divisions(code),
    phone_sealed     TEXT NOT NULL,
    phone_index      TEXT NOT NULL UNIQUE,
    id_number_sealed TEXT NOT NULL DEFAULT '',
    id_number_index  TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'unverified' CHECK (status IN ('unverified', 'verified', 'refused')),
    reason           TEXT NOT NULL DEFAULT '',
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_at       TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
-- The verification queue: a community's sign-ups by state, oldest first.
CREATE INDEX residents_queue ON residents (community_code, status, created_at);

-- One-time codes sent by SMS, one live code per number and purpose (sign-up,
-- code sign-in, recovery). Only a keyed hash of the code is kept; a code
-- dies after its time, its tries, or its use.
CREATE TABLE sms_codes (
    phone_index TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    tries       INTEGER NOT NULL DEFAULT 0,
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (phone_index, purpose)
);
CREATE INDEX sms_codes_expiry ON sms_codes (expires_at);

-- +goose Down
DROP TABLE sms_codes;
DROP TABLE residents;
