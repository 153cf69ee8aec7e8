-- +goose Up
-- Failed sign-ins per (account name, client address), so that five wrong
-- passwords lock the account from that address only, and per account name
-- over all addresses (client '*'), for the throttle that slows a spread-out
-- attack without locking everybody out. Keyed by the name typed, known or
-- not, so that an unknown name is answered exactly as a known one.
-- users.failed_logins and users.locked_until now count wrong TOTP codes only.
CREATE TABLE signin_failures (
    name            TEXT NOT NULL,
    client          TEXT NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    window_start    TIMESTAMP NOT NULL,
    locked_until    TIMESTAMP,
    next_try_at     TIMESTAMP,
    last_success_at TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (name, client)
);
CREATE INDEX signin_failures_updated ON signin_failures(updated_at);

-- +goose Down
DROP TABLE signin_failures;
