-- +goose Up
-- 社区减负 (package burden): the lists that protect communities.
--
-- burden_items: one row per item of a county's list (division_code is the
-- county, or the city for a city-wide base list that every county of it
-- keeps). list says which list: work (社区工作事项清单; unit_id names the
-- department, a handling unit of the request catalogue, and kind is duty
-- 依法履行, assist 依法协助 or autonomy 自治; an assist item states its
-- funding and conditions), proof (证明事项清单) or seal (印章使用范围清单).
-- An item retired from a list keeps its row with retired_at set.
CREATE TABLE burden_items (
    id            INTEGER PRIMARY KEY,
    list          TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    name          TEXT NOT NULL,
    basis         TEXT NOT NULL,
    unit_id       BIGINT REFERENCES request_units(id),
    unit_name     TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL DEFAULT '',
    funding       TEXT NOT NULL DEFAULT '',
    conditions    TEXT NOT NULL DEFAULT '',
    admission_id  BIGINT,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    retired_at    TIMESTAMP,
    retired_by    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX burden_items_name ON burden_items(list, division_code, name) WHERE retired_at IS NULL;
CREATE INDEX burden_items_division ON burden_items(division_code, list, id);

-- burden_admissions: a department's request (准入申请) to add a work item
-- to a county's list; the county's staff admit it (item_id then names the
-- new item) or refuse it with a reason, never the account that filed it.
CREATE TABLE burden_admissions (
    id              INTEGER PRIMARY KEY,
    division_code   TEXT NOT NULL REFERENCES divisions(code),
    unit_id         BIGINT NOT NULL REFERENCES request_units(id),
    unit_name       TEXT NOT NULL,
    name            TEXT NOT NULL,
    basis           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    funding         TEXT NOT NULL DEFAULT '',
    conditions      TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    filed_by_id     BIGINT NOT NULL,
    filed_by        TEXT NOT NULL,
    filed_at        TIMESTAMP NOT NULL,
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_at      TIMESTAMP,
    decision_reason TEXT NOT NULL DEFAULT '',
    item_id         BIGINT REFERENCES burden_items(id)
);
CREATE INDEX burden_admissions_division ON burden_admissions(division_code, status, id);
CREATE INDEX burden_admissions_unit ON burden_admissions(unit_id, id);

-- burden_tasks: work a department assigned (派单) to the communities of an
-- area, naming an item of the list; burden_task_communities is each
-- community's share, marked done there. burden_refusals counts the
-- assignments the platform refused (the item not on the list): the task
-- itself is never saved.
CREATE TABLE burden_tasks (
    id          INTEGER PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES request_units(id),
    unit_name   TEXT NOT NULL,
    item_id     BIGINT NOT NULL REFERENCES burden_items(id),
    item_name   TEXT NOT NULL,
    title       TEXT NOT NULL,
    area_code   TEXT NOT NULL REFERENCES divisions(code),
    deadline    TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX burden_tasks_unit ON burden_tasks(unit_id, id);

CREATE TABLE burden_task_communities (
    task_id        BIGINT NOT NULL REFERENCES burden_tasks(id),
    community_code TEXT NOT NULL REFERENCES divisions(code),
    done_at        TIMESTAMP,
    done_by        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (task_id, community_code)
);
CREATE INDEX burden_task_communities_code ON burden_task_communities(community_code, task_id);

CREATE TABLE burden_refusals (
    id         INTEGER PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES request_units(id),
    unit_name  TEXT NOT NULL,
    area_code  TEXT NOT NULL REFERENCES divisions(code),
    title      TEXT NOT NULL,
    item_name  TEXT NOT NULL,
    refused_at TIMESTAMP NOT NULL,
    refused_by TEXT NOT NULL
);
CREATE INDEX burden_refusals_area ON burden_refusals(area_code);

-- burden_proofs: a verified resident's request for a certificate (证明) of
-- the proof list of their community's county; a community worker issues it
-- (a number from the certificates' numbering, a PDF, the public
-- verification page) or refuses it, and may revoke it with a reason.
CREATE TABLE burden_proofs (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL DEFAULT '',
    item_id        BIGINT NOT NULL REFERENCES burden_items(id),
    item_name      TEXT NOT NULL,
    basis          TEXT NOT NULL,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    community_name TEXT NOT NULL,
    user_id        BIGINT NOT NULL,
    holder_name    TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    status         TEXT NOT NULL,
    requested_at   TIMESTAMP NOT NULL,
    content        TEXT NOT NULL DEFAULT '',
    decided_at     TIMESTAMP,
    decided_by     TEXT NOT NULL DEFAULT '',
    refuse_reason  TEXT NOT NULL DEFAULT '',
    revoked_at     TIMESTAMP,
    revoked_by     TEXT NOT NULL DEFAULT '',
    revoke_reason  TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX burden_proofs_number ON burden_proofs(number) WHERE number <> '';
CREATE INDEX burden_proofs_community ON burden_proofs(community_code, status, id);
CREATE INDEX burden_proofs_user ON burden_proofs(user_id, id);

-- burden_seal_uses: each use of a community's seal, on an item of the seal
-- list (印章使用范围清单): what was sealed, for whom, who approved, when.
CREATE TABLE burden_seal_uses (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions(code),
    item_id        BIGINT NOT NULL REFERENCES burden_items(id),
    item_name      TEXT NOT NULL,
    what           TEXT NOT NULL,
    for_whom       TEXT NOT NULL,
    approved_by    TEXT NOT NULL,
    used_on        TEXT NOT NULL,
    logged_by      TEXT NOT NULL,
    logged_at      TIMESTAMP NOT NULL
);
CREATE INDEX burden_seal_uses_community ON burden_seal_uses(community_code, id);

-- +goose Down
DROP TABLE burden_seal_uses;
DROP TABLE burden_proofs;
DROP TABLE burden_refusals;
DROP TABLE burden_task_communities;
DROP TABLE burden_tasks;
DROP TABLE burden_admissions;
DROP TABLE burden_items;
