-- +goose Up
-- The 三率 read a summary kept in the same transaction as every change to a
-- request (package request, stats_summary.go): per month of arrival (China
-- time), community and unit (the first receiving unit, else the holder, 0
-- before dispatch), the counts that only grow with what happened. What
-- depends on the clock (a deadline passing) is read live from the requests
-- not yet resolved, through requests_unresolved. Excluded requests (an
-- approved appeal) are not counted.
CREATE TABLE request_stats (
    month              TEXT NOT NULL,
    division_code      TEXT NOT NULL,
    unit_id            INTEGER NOT NULL,
    total              INTEGER NOT NULL DEFAULT 0,
    responded          INTEGER NOT NULL DEFAULT 0,
    responded_on_time  INTEGER NOT NULL DEFAULT 0,
    resolved           INTEGER NOT NULL DEFAULT 0,
    resolved_on_time   INTEGER NOT NULL DEFAULT 0,
    valid_callbacks    INTEGER NOT NULL DEFAULT 0,
    satisfied          INTEGER NOT NULL DEFAULT 0,
    basically          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, division_code, unit_id)
);

INSERT INTO request_stats (month, division_code, unit_id, total, responded, responded_on_time, resolved, resolved_on_time,
    valid_callbacks, satisfied, basically)
SELECT strftime('%Y-%m', created_at, '+8 hours'), division_code, COALESCE(first_unit_id, unit_id, 0), COUNT(*),
    SUM(CASE WHEN responded_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN responded_at IS NOT NULL AND responded_at <= response_due THEN 1 ELSE 0 END),
    SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN resolved_at IS NOT NULL AND resolved_at <= resolution_due THEN 1 ELSE 0 END),
    SUM(CASE WHEN satisfaction <> '' THEN 1 ELSE 0 END),
    SUM(CASE WHEN satisfaction = 'satisfied' THEN 1 ELSE 0 END),
    SUM(CASE WHEN satisfaction = 'basically_satisfied' THEN 1 ELSE 0 END)
FROM requests WHERE NOT excluded
GROUP BY strftime('%Y-%m', created_at, '+8 hours'), division_code, COALESCE(first_unit_id, unit_id, 0);

-- The month's and the week's requests by place and category (proactive
-- handling, Open311's date filters) read this instead of the wide index; it
-- replaces requests_division, which nothing reads since the lists moved to
-- the *_id indexes.
DROP INDEX requests_stats_month;
DROP INDEX requests_division;
CREATE INDEX requests_created ON requests (created_at, division_code, category_code);
CREATE INDEX requests_unresolved ON requests (created_at, division_code, excluded, responded_at, response_due,
    resolution_due, first_unit_id, unit_id) WHERE resolved_at IS NULL;

-- +goose Down
DROP INDEX requests_unresolved;
DROP INDEX requests_created;
CREATE INDEX requests_division ON requests (division_code, created_at);
CREATE INDEX requests_stats_month ON requests (created_at, division_code, excluded, responded_at, response_due,
    resolved_at, resolution_due, satisfaction, first_unit_id, unit_id);
DROP TABLE request_stats;
