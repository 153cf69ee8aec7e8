-- +goose Up
CREATE TABLE divisions (
    code        TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    level       SMALLINT NOT NULL,
    kind        TEXT NOT NULL DEFAULT '',
    parent_code TEXT REFERENCES divisions(code)
);
CREATE INDEX divisions_parent ON divisions(parent_code, code);
CREATE INDEX divisions_level ON divisions(level, code);
CREATE INDEX divisions_name ON divisions(name);

CREATE TABLE community_profiles (
    division_code    TEXT NOT NULL PRIMARY KEY REFERENCES divisions(code),
    population       BIGINT NOT NULL DEFAULT 0,
    urban_population BIGINT NOT NULL DEFAULT 0,
    households       BIGINT NOT NULL DEFAULT 0,
    building_area    REAL NOT NULL DEFAULT 0,
    commercial_area  REAL NOT NULL DEFAULT 0,
    relocation       BOOLEAN NOT NULL DEFAULT 0,
    broadband        BOOLEAN NOT NULL DEFAULT 0,
    has_5g           BOOLEAN NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       TIMESTAMP,
    updated_by       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE community_organisations (
    division_code TEXT NOT NULL REFERENCES divisions(code),
    part          TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    head          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (division_code, part)
);

CREATE TABLE profile_changes (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    changed_at    TIMESTAMP NOT NULL,
    actor_id      BIGINT,
    actor_name    TEXT NOT NULL,
    before_json   TEXT NOT NULL,
    after_json    TEXT NOT NULL
);
CREATE INDEX profile_changes_division ON profile_changes(division_code, id);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL DEFAULT '',
    role                 TEXT NOT NULL,
    area_code            TEXT NOT NULL REFERENCES divisions(code),
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT 1,
    totp_secret          TEXT NOT NULL DEFAULT '',
    totp_enabled         BOOLEAN NOT NULL DEFAULT 0,
    demo                 BOOLEAN NOT NULL DEFAULT 0,
    disabled             BOOLEAN NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMP,
    lang                 TEXT NOT NULL DEFAULT '',
    elderly_mode         BOOLEAN NOT NULL DEFAULT 0,
    created_by           TEXT NOT NULL DEFAULT '',
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    last_login_at        TIMESTAMP
);
CREATE INDEX users_area ON users(area_code, name);

CREATE TABLE sessions (
    id_hash      TEXT NOT NULL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    csrf_secret  TEXT NOT NULL,
    mfa_ok       BOOLEAN NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    client_addr  TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_seen ON sessions(last_seen_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked      BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    BIGINT,
    actor_name  TEXT NOT NULL,
    role        TEXT NOT NULL,
    area        TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    result      TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_name, id);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);

-- The newest chain link, so that cutting records off the end is seen too.
CREATE TABLE audit_head (
    one  SMALLINT PRIMARY KEY CHECK (one = 1),
    last_id BIGINT NOT NULL,
    hash TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

CREATE TABLE job_leases (
    name        TEXT NOT NULL PRIMARY KEY,
    holder      TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMP,
    last_run_at TIMESTAMP,
    last_error  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE job_leases;
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE profile_changes;
DROP TABLE community_organisations;
DROP TABLE community_profiles;
DROP TABLE divisions;
