-- +goose Up
-- The 三率 of a month read one range of this index, covering every column
-- they need, instead of the whole subtree's requests (package request,
-- stats.go); the proactive-handling alert reads requests_category.
CREATE INDEX requests_stats_month ON requests (created_at, division_code, excluded, responded_at, response_due,
    resolved_at, resolution_due, satisfaction, first_unit_id, unit_id);

-- +goose Down
DROP INDEX requests_stats_month;
