-- +goose Up
-- Notifications become their own slice (package notify): the outbox is
-- no longer the requests' alone. A message keeps its text as a message
-- key and arguments (JSON), rendered in each recipient's language when
-- read or sent (body keeps the Chinese rendering for the log), and the
-- object it is about (object_type, object_id, link: the page to open).
ALTER TABLE request_outbox RENAME TO notify_outbox;
ALTER TABLE notify_outbox ADD COLUMN msg_key TEXT NOT NULL DEFAULT '';
ALTER TABLE notify_outbox ADD COLUMN args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE notify_outbox ADD COLUMN object_type TEXT NOT NULL DEFAULT '';
ALTER TABLE notify_outbox ADD COLUMN object_id BIGINT;
ALTER TABLE notify_outbox ADD COLUMN link TEXT NOT NULL DEFAULT '';
UPDATE notify_outbox SET object_type = 'request', object_id = request_id, link = '/requests/' || CAST(request_id AS TEXT)
    WHERE request_id IS NOT NULL;
CREATE INDEX notify_outbox_object ON notify_outbox (object_type, object_id, id);

-- notify_inbox: one row per account an in-app message reaches (the
-- account, each account of a unit, each staff account of a division and
-- role: resolved when the message is queued); read_at when it was opened.
-- The unread count of the header is one range of (user_id, read_at).
CREATE TABLE notify_inbox (
    user_id    BIGINT NOT NULL REFERENCES users(id),
    message_id BIGINT NOT NULL REFERENCES notify_outbox(id),
    read_at    TIMESTAMP,
    PRIMARY KEY (user_id, message_id)
);
CREATE INDEX notify_inbox_unread ON notify_inbox (user_id, read_at);
INSERT INTO notify_inbox (user_id, message_id)
    SELECT user_id, id FROM notify_outbox WHERE user_id IS NOT NULL AND channel = 'inapp';

-- notify_prefs: an account's choice to get its messages by SMS too (off
-- unless chosen), and the sealed number to send them to.
CREATE TABLE notify_prefs (
    user_id      BIGINT NOT NULL PRIMARY KEY REFERENCES users(id),
    sms          BOOLEAN NOT NULL DEFAULT 0,
    phone_sealed TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE notify_prefs;
DROP TABLE notify_inbox;
DROP INDEX notify_outbox_object;
ALTER TABLE notify_outbox DROP COLUMN link;
ALTER TABLE notify_outbox DROP COLUMN object_id;
ALTER TABLE notify_outbox DROP COLUMN object_type;
ALTER TABLE notify_outbox DROP COLUMN args;
ALTER TABLE notify_outbox DROP COLUMN msg_key;
ALTER TABLE notify_outbox RENAME TO request_outbox;
