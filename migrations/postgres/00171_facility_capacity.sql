-- +goose Up
-- How many people a facility can hold: kept for emergency shelters
-- (应急避难场所), whose capacity the emergencies' figures add up.
ALTER TABLE facilities ADD COLUMN capacity BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE facilities DROP COLUMN capacity;
