-- +goose Up
-- The last TOTP time step accepted for an account, so that a code cannot be
-- used twice (RFC 6238 section 5.2).
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN totp_last_step;
