-- +goose Up
-- The home page's work queues of an area (to dispatch, to call back,
-- overdue) count and order requests by status, community and deadline:
-- with the deadline in the index both are read from the index alone,
-- however many requests are open (package request, store_home.go).
CREATE INDEX requests_queue ON requests (status, division_code, resolution_due);

-- +goose Down
DROP INDEX requests_queue;
