-- +goose Up
-- The plan's task ledger (任务分解 and 年度任务清单, package ledger): the key
-- tasks, special actions (专项行动) and projects (工程) of a plan period as
-- records, each with a lead unit and co-units (handling units of the
-- request catalogue, their names kept as they were), the divisions it
-- concerns (area_lo/area_hi: the code range of each, for one overlap test
-- against a reader's area) and a deadline; its yearly work items owed by
-- one unit; and the units' progress reports with a photo as evidence,
-- accepted or returned with a reason by city staff.
CREATE TABLE ledger_tasks (
    id           INTEGER PRIMARY KEY,
    period       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    code         TEXT NOT NULL,
    title        TEXT NOT NULL,
    section      TEXT NOT NULL DEFAULT '',
    lead_unit_id INTEGER NOT NULL REFERENCES request_units(id),
    lead_unit    TEXT NOT NULL,
    deadline     TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (period, code)
);
CREATE INDEX ledger_tasks_lead ON ledger_tasks(lead_unit_id);

CREATE TABLE ledger_task_units (
    task_id   INTEGER NOT NULL REFERENCES ledger_tasks(id),
    unit_id   INTEGER NOT NULL REFERENCES request_units(id),
    unit_name TEXT NOT NULL,
    PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX ledger_task_units_unit ON ledger_task_units(unit_id);

CREATE TABLE ledger_task_divisions (
    task_id       INTEGER NOT NULL REFERENCES ledger_tasks(id),
    division_code TEXT NOT NULL REFERENCES divisions(code),
    area_lo       TEXT NOT NULL,
    area_hi       TEXT NOT NULL,
    PRIMARY KEY (task_id, division_code)
);
CREATE INDEX ledger_task_divisions_area ON ledger_task_divisions(area_lo, area_hi);

CREATE TABLE ledger_items (
    id            INTEGER PRIMARY KEY,
    task_id       INTEGER NOT NULL REFERENCES ledger_tasks(id),
    year          INTEGER NOT NULL,
    title         TEXT NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES request_units(id),
    unit_name     TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    due_on        TEXT NOT NULL,
    status        TEXT NOT NULL,
    done_on       TEXT,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX ledger_items_task ON ledger_items(task_id, id);
CREATE INDEX ledger_items_unit ON ledger_items(unit_id, status, due_on);
CREATE INDEX ledger_items_division ON ledger_items(division_code);

CREATE TABLE ledger_reports (
    id            INTEGER PRIMARY KEY,
    item_id       INTEGER NOT NULL REFERENCES ledger_items(id),
    note          TEXT NOT NULL,
    photo_id      INTEGER,
    reporter_id   INTEGER NOT NULL,
    reporter_name TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    decision      TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    reviewer_name TEXT NOT NULL DEFAULT '',
    reviewed_at   TIMESTAMP
);
CREATE INDEX ledger_reports_item ON ledger_reports(item_id, id);
CREATE INDEX ledger_reports_pending ON ledger_reports(decision, id);

-- +goose Down
DROP TABLE ledger_reports;
DROP TABLE ledger_items;
DROP TABLE ledger_task_divisions;
DROP TABLE ledger_task_units;
DROP TABLE ledger_tasks;
