-- +goose Up
-- 三项清单 (package project): residents' needs (居民需求清单), the resources
-- resident units offer (服务资源清单; the registries' facilities,
-- organisations and volunteer teams are read, not copied), and livelihood
-- projects (民生项目清单, government-purchased services among them).
--
-- project_needs: status open, matched (resource_key names the resource
-- confirmed for it), served (a project serving it was accepted) or closed
-- (close_reason). source: worker, topic, survey, request_category, visit;
-- source_ref the record it was raised from. affected: how many people of
-- affected_group (a people-registry group) it concerns.
CREATE TABLE project_needs (
    id             INTEGER PRIMARY KEY,
    division_code  TEXT NOT NULL REFERENCES divisions(code),
    title          TEXT NOT NULL,
    details        TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    source         TEXT NOT NULL,
    source_ref     TEXT NOT NULL DEFAULT '',
    affected_group TEXT NOT NULL DEFAULT '',
    affected       INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL,
    close_reason   TEXT NOT NULL DEFAULT '',
    resource_key   TEXT NOT NULL DEFAULT '',
    resource_name  TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX project_needs_division ON project_needs (division_code, status, id);
CREATE INDEX project_needs_source ON project_needs (source, source_ref, division_code);

-- project_resources: resources offered by resident units (驻区单位). kind:
-- venue, parking, funds, services, other; serves: the kind of need it
-- suits ('' any). capacity: people, places, or fen for funds. The
-- contact (a person's phone as often as not) is sealed.
CREATE TABLE project_resources (
    id             INTEGER PRIMARY KEY,
    division_code  TEXT NOT NULL REFERENCES divisions(code),
    name           TEXT NOT NULL,
    unit_name      TEXT NOT NULL,
    contact_sealed TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    serves         TEXT NOT NULL DEFAULT '',
    hours          TEXT NOT NULL DEFAULT '',
    capacity       BIGINT NOT NULL DEFAULT 0,
    details        TEXT NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX project_resources_division ON project_resources (division_code, kind, id);

-- projects: status proposed (decision_id: the deliberation that started
-- it), running (runner_id ran it) or accepted (验收, by accepted_by_id,
-- never the runner or anyone who reported its progress). funding:
-- finance, collective, social, purchase (政府购买服务); budget in fen.
CREATE TABLE projects (
    id              INTEGER PRIMARY KEY,
    division_code   TEXT NOT NULL REFERENCES divisions(code),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    owner           TEXT NOT NULL DEFAULT '',
    funding         TEXT NOT NULL DEFAULT '',
    budget          BIGINT NOT NULL DEFAULT 0,
    status          TEXT NOT NULL,
    decision_id     BIGINT,
    runner_id       BIGINT,
    runner          TEXT NOT NULL DEFAULT '',
    started_on      TEXT NOT NULL DEFAULT '',
    accepted_at     TIMESTAMP,
    accepted_by_id  BIGINT,
    accepted_by     TEXT NOT NULL DEFAULT '',
    acceptance_note TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX projects_division ON projects (division_code, status, id);

-- project_milestones: due_on and done_on are China dates (YYYY-MM-DD);
-- done_on '' while not met.
CREATE TABLE project_milestones (
    id         INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    title      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    done_on    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX project_milestones_project ON project_milestones (project_id, due_on);

-- project_progress: progress reports, with an optional photo (upload_blobs).
CREATE TABLE project_progress (
    id         INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    note       TEXT NOT NULL,
    photo_id   BIGINT,
    author_id  BIGINT NOT NULL,
    author     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX project_progress_project ON project_progress (project_id, id);

-- The needs a project serves and the resources it uses (resource_key:
-- unit:<id>, facility:<id>, organization:<id>, team:<id>).
CREATE TABLE project_need_links (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    need_id    BIGINT NOT NULL REFERENCES project_needs(id),
    PRIMARY KEY (project_id, need_id)
);
CREATE INDEX project_need_links_need ON project_need_links (need_id);
CREATE TABLE project_resource_links (
    project_id    BIGINT NOT NULL REFERENCES projects(id),
    resource_key  TEXT NOT NULL,
    resource_name TEXT NOT NULL,
    PRIMARY KEY (project_id, resource_key)
);

-- +goose Down
DROP TABLE project_resource_links;
DROP TABLE project_need_links;
DROP TABLE project_progress;
DROP TABLE project_milestones;
DROP TABLE projects;
DROP TABLE project_resources;
DROP TABLE project_needs;
