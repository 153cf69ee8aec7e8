-- +goose Up
-- 在职党员到社区报到 (package partymember): Party members in work register
-- with the community where they live, their work unit recorded (a resident
-- unit of the registry, unit_id, or a free-text unit), and choose service
-- posts (岗位) the community keeps. The community confirms a registration;
-- whoever entered it may not (four eyes). Their volunteer service hours
-- are read from the volunteer slice's records through the account
-- (user_id), never copied.
--
-- party_posts: a community's service posts; active false: retired.
CREATE TABLE party_posts (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    name          TEXT NOT NULL,
    details       TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE UNIQUE INDEX party_posts_name ON party_posts (division_code, name);

-- party_members: status pending, confirmed or refused (reason). The phone
-- is sealed. unit_name is the unit as recorded (the registry's name when
-- unit_id is set). One registration per account.
CREATE TABLE party_members (
    id               INTEGER PRIMARY KEY,
    division_code    TEXT NOT NULL REFERENCES divisions(code),
    user_id          BIGINT REFERENCES users(id),
    name             TEXT NOT NULL,
    phone_sealed     TEXT NOT NULL DEFAULT '',
    unit_id          BIGINT,
    unit_name        TEXT NOT NULL,
    status           TEXT NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    registered_by_id BIGINT NOT NULL,
    registered_by    TEXT NOT NULL,
    registered_at    TIMESTAMP NOT NULL,
    decided_by_id    BIGINT,
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_at       TIMESTAMP
);
CREATE UNIQUE INDEX party_members_user ON party_members (user_id);
CREATE INDEX party_members_division ON party_members (division_code, status, id);

CREATE TABLE party_member_posts (
    member_id BIGINT NOT NULL REFERENCES party_members(id),
    post_id   BIGINT NOT NULL REFERENCES party_posts(id),
    PRIMARY KEY (member_id, post_id)
);
CREATE INDEX party_member_posts_post ON party_member_posts (post_id);

-- +goose Down
DROP TABLE party_member_posts;
DROP TABLE party_members;
DROP TABLE party_posts;
