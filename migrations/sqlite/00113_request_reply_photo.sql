-- +goose Up
-- reply_photo: a reply to a request of the category (or of a category
-- under it) must come with a photo of the work done.
ALTER TABLE request_categories ADD COLUMN reply_photo BOOLEAN NOT NULL DEFAULT 0;
-- kind: intake (the resident's photos) or reply (the unit's evidence).
ALTER TABLE request_photos ADD COLUMN kind TEXT NOT NULL DEFAULT 'intake';

-- +goose Down
ALTER TABLE request_photos DROP COLUMN kind;
ALTER TABLE request_categories DROP COLUMN reply_photo;
