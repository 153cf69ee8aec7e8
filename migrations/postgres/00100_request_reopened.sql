-- +goose Up
-- 重办: how many times a resident's unsatisfied rating sent the request back
-- to its unit.
ALTER TABLE requests ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE requests DROP COLUMN reopened;
