-- +goose Up
-- Yearly targets set by city or county staff for a division; without one the
-- target is the straight line from the 2020 baseline to the 2025 target.
CREATE TABLE indicator_targets (
    indicator     TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    year          INTEGER NOT NULL,
    value         REAL NOT NULL,
    set_by        TEXT NOT NULL,
    set_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (indicator, division_code, year)
);
-- The figures of each month, for trend charts; the month's row is
-- overwritten until the month ends.
CREATE TABLE indicator_snapshots (
    indicator     TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    month         TEXT NOT NULL,
    numerator     REAL NOT NULL,
    denominator   REAL NOT NULL,
    taken_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (division_code, indicator, month)
);

-- +goose Down
DROP TABLE indicator_snapshots;
DROP TABLE indicator_targets;
