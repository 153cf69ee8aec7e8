-- +goose Up
-- The community page's own records. Notices (公告) and public notices (公示)
-- that a community publishes, shown between their start and end dates;
-- withdrawn, never deleted. The public service catalogue (社区公共服务目录):
-- what can be done at a community, what to bring and when; kept at a
-- community, or at a township or county as the default its communities
-- inherit. The service hall's phone, the one work number the page shows.
CREATE TABLE community_notices (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    status        TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX community_notices_division ON community_notices(division_code, starts_on, id);

CREATE TABLE catalogue_items (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    materials     TEXT NOT NULL DEFAULT '',
    service_hours TEXT NOT NULL DEFAULT '',
    place         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX catalogue_items_division ON catalogue_items(division_code, name, id);

CREATE TABLE service_halls (
    division_code TEXT NOT NULL PRIMARY KEY REFERENCES divisions(code),
    phone         TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE service_halls;
DROP TABLE catalogue_items;
DROP TABLE community_notices;
