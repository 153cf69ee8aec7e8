-- +goose Up
-- The township and county of a request's community, kept on the row so
-- that a township's or a county's list is one index walk in id order
-- (newest first) instead of a range over its communities and a sort.
ALTER TABLE requests ADD COLUMN township_code TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN county_code TEXT NOT NULL DEFAULT '';
UPDATE requests SET township_code = substr(division_code, 1, 9) || '000', county_code = substr(division_code, 1, 6) || '000000';
CREATE INDEX requests_community_id ON requests (division_code, id);
CREATE INDEX requests_township_id ON requests (township_code, id);
CREATE INDEX requests_county_id ON requests (county_code, id);

-- +goose Down
DROP INDEX requests_county_id;
DROP INDEX requests_township_id;
DROP INDEX requests_community_id;
ALTER TABLE requests DROP COLUMN county_code;
ALTER TABLE requests DROP COLUMN township_code;
