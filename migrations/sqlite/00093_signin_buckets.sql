-- +goose Up
-- Sign-in attempts left per client address (a token bucket), shared by
-- every node: a node's own memory would let each node allow its own burst.
CREATE TABLE signin_buckets (
    client     TEXT PRIMARY KEY,
    tokens     REAL NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE signin_buckets;
