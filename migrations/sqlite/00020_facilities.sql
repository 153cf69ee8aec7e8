-- +goose Up
-- Service facilities (城乡社区综合服务设施 and 专项服务设施): each serves one
-- community or township. Areas are kept in hundredths of m² so that the
-- measures built on them sum exactly. hours holds the weekly opening times,
-- Monday to Sunday separated by ";", each day's ranges by "," (08:30-12:00);
-- open_8h is derived from it when the row is written.
CREATE TABLE facilities (
    id              INTEGER PRIMARY KEY,
    division_code   TEXT NOT NULL REFERENCES divisions(code),
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    floor_area      BIGINT NOT NULL DEFAULT 0,
    activity_area   BIGINT NOT NULL DEFAULT 0,
    commercial_area BIGINT NOT NULL DEFAULT 0,
    status          TEXT NOT NULL,
    year_opened     INTEGER NOT NULL DEFAULT 0,
    newly_built     BOOLEAN NOT NULL DEFAULT 0,
    hours           TEXT NOT NULL DEFAULT '',
    open_8h         BOOLEAN NOT NULL DEFAULT 0,
    online_24h      BOOLEAN NOT NULL DEFAULT 0,
    barrier_free    BOOLEAN NOT NULL DEFAULT 0,
    age_friendly    BOOLEAN NOT NULL DEFAULT 0,
    fitness_circle  BOOLEAN NOT NULL DEFAULT 0,
    terminals       INTEGER NOT NULL DEFAULT 0,
    closed_on       TEXT NOT NULL DEFAULT '',
    close_reason    TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    updated_by      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX facilities_division ON facilities (division_code, id);
CREATE INDEX facilities_kind ON facilities (kind, division_code);
CREATE INDEX facilities_status ON facilities (status, division_code);

-- +goose Down
DROP TABLE facilities;
