-- +goose Up
-- Uploaded images, checked and re-encoded without metadata by package
-- upload. They have no public path: the slice named by owner serves a blob
-- from its own handler after checking access to the record that holds its
-- id. division_code is the area the blob belongs to.
CREATE TABLE upload_blobs (
    id            INTEGER PRIMARY KEY,
    owner         TEXT NOT NULL,
    division_code TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    data          BLOB NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX upload_blobs_content ON upload_blobs (owner, division_code, sha256);

-- +goose Down
DROP TABLE upload_blobs;
