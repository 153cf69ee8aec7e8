-- +goose Up
-- Fencing of scheduled jobs across nodes. Every acquisition of a job's
-- lease takes a new token; renewals (a heartbeat while the job runs) and
-- the release are conditional on it, so a node whose lease ran out and was
-- taken over can no longer extend or finish it. Lease times are the
-- database's clock, never a node's.
ALTER TABLE job_leases ADD COLUMN token BIGINT NOT NULL DEFAULT 0;

-- Each outbox message is claimed (claimant and expiry, committed) before it
-- is sent; only unclaimed or expired-claim pending messages are picked, so
-- a sender that stalls on one node is not repeated by another.
ALTER TABLE request_outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE request_outbox ADD COLUMN claim_until TIMESTAMPTZ;

-- +goose Down
ALTER TABLE request_outbox DROP COLUMN claim_until;
ALTER TABLE request_outbox DROP COLUMN claimed_by;
ALTER TABLE job_leases DROP COLUMN token;
