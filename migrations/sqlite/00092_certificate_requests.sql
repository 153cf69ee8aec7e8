-- +goose Up
-- A volunteer's request for a certificate (志愿服务证明), made to the
-- organisation that recorded the hours; the organisation's staff (its
-- division_code: the area whose staff act for it) issue it or refuse it
-- with a reason. number is the certificate issued on it.
CREATE TABLE certificate_requests (
    id            INTEGER PRIMARY KEY,
    volunteer_id  BIGINT NOT NULL REFERENCES volunteers(id),
    org_id        BIGINT NOT NULL REFERENCES volunteer_orgs(id),
    division_code TEXT NOT NULL REFERENCES divisions(code),
    period_from   TEXT NOT NULL,
    period_to     TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    number        TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    requested_at  TIMESTAMP NOT NULL,
    decided_at    TIMESTAMP,
    decided_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX certificate_requests_area ON certificate_requests(division_code, status, id);
CREATE INDEX certificate_requests_volunteer ON certificate_requests(volunteer_id, id);
-- One waiting request per volunteer, organisation and period.
CREATE UNIQUE INDEX certificate_requests_pending ON certificate_requests(volunteer_id, org_id, period_from, period_to)
    WHERE status = 'pending';

-- +goose Down
DROP TABLE certificate_requests;
