-- +goose Up
-- Uses left per key (a token bucket) for limits other than sign-in, shared
-- by every node: exact searches by sealed personal data per account
-- (internal/platform/ratelimit). A key names what it counts, e.g.
-- "sealed_search:user:17"; rows are one per account and kind, so they need
-- no purge.
CREATE TABLE rate_buckets (
    client     TEXT PRIMARY KEY,
    tokens     DOUBLE PRECISION NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE rate_buckets;
