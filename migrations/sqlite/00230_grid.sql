-- +goose Up
-- Grids (网格) below communities and their patrols (巡查). A grid's code is
-- its community's 12-digit code, a hyphen and its two-digit number in the
-- community (131102001001-01). Its grid workers are accounts of role
-- grid_worker of the community; it covers buildings (楼栋) or villagers'
-- groups (村民小组), whose heads' names and phones are sealed. A patrol is a
-- grid worker's walk through a grid, with notes and photos; each event
-- found (hazard, dispute, need) is either reported as a request (channel
-- patrol, the request's id kept here) or resolved on the spot with a note.
CREATE TABLE grids (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    number         INTEGER NOT NULL,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT '',
    UNIQUE (community_code, number)
);

CREATE TABLE grid_workers (
    grid_id BIGINT NOT NULL REFERENCES grids(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (grid_id, user_id)
);
CREATE INDEX grid_workers_user ON grid_workers(user_id, grid_id);

CREATE TABLE grid_units (
    id                INTEGER PRIMARY KEY,
    grid_id           BIGINT NOT NULL REFERENCES grids(id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    head_name_sealed  TEXT NOT NULL DEFAULT '',
    head_phone_sealed TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grid_units_grid ON grid_units(grid_id, position);

CREATE TABLE grid_patrols (
    id             INTEGER PRIMARY KEY,
    grid_id        BIGINT NOT NULL REFERENCES grids(id),
    community_code TEXT NOT NULL REFERENCES divisions(code),
    month          TEXT NOT NULL,
    worker_id      BIGINT NOT NULL REFERENCES users(id),
    worker_name    TEXT NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    ended_at       TIMESTAMP
);
CREATE INDEX grid_patrols_community ON grid_patrols(community_code, month);
CREATE INDEX grid_patrols_worker ON grid_patrols(worker_id, id);
CREATE INDEX grid_patrols_grid ON grid_patrols(grid_id, id);

CREATE TABLE grid_patrol_notes (
    id         INTEGER PRIMARY KEY,
    patrol_id  BIGINT NOT NULL REFERENCES grid_patrols(id),
    note       TEXT NOT NULL DEFAULT '',
    photo_id   BIGINT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX grid_patrol_notes_patrol ON grid_patrol_notes(patrol_id, id);

CREATE TABLE grid_events (
    id              INTEGER PRIMARY KEY,
    patrol_id       BIGINT NOT NULL REFERENCES grid_patrols(id),
    grid_id         BIGINT NOT NULL REFERENCES grids(id),
    community_code  TEXT NOT NULL REFERENCES divisions(code),
    month           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    description     TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    request_id      BIGINT,
    request_number  TEXT NOT NULL DEFAULT '',
    resolution      TEXT NOT NULL DEFAULT '',
    photo_id        BIGINT,
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX grid_events_patrol ON grid_events(patrol_id, id);
CREATE INDEX grid_events_community ON grid_events(community_code, month);
CREATE UNIQUE INDEX grid_events_request ON grid_events(request_id);

-- +goose Down
DROP TABLE grid_events;
DROP TABLE grid_patrol_notes;
DROP TABLE grid_patrols;
DROP TABLE grid_units;
DROP TABLE grid_workers;
DROP TABLE grids;
