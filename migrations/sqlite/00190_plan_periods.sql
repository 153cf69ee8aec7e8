-- +goose Up
-- The plan periods (规划期): 2021–2025 is seeded at start-up from the
-- shipped plan file, later ones are loaded by city staff from a workbook.
CREATE TABLE plan_periods (
    code       TEXT PRIMARY KEY,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    base_year  INTEGER NOT NULL,
    end_year   INTEGER NOT NULL,
    loaded_by  TEXT NOT NULL,
    loaded_at  TIMESTAMP NOT NULL
);
-- Each period's indicators with their formula over measures: numerator and
-- denominator are measure names joined by "+", read for period_kind.
CREATE TABLE plan_indicators (
    period_code  TEXT NOT NULL REFERENCES plan_periods(code),
    code         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    source       TEXT NOT NULL,
    baseline     REAL,
    target       REAL NOT NULL,
    attribute    TEXT NOT NULL,
    direction    TEXT NOT NULL,
    unit         TEXT NOT NULL,
    scope        TEXT NOT NULL,
    how_computed TEXT NOT NULL,
    numerator    TEXT NOT NULL,
    denominator  TEXT NOT NULL,
    factor       REAL NOT NULL,
    period_kind  TEXT NOT NULL,
    PRIMARY KEY (period_code, code)
);
-- Year-end values, taken once and never recomputed: how each was obtained
-- is kept (job or staff action at the year's end, a December snapshot, or
-- computed later from the registries as they then stood).
CREATE TABLE indicator_frozen (
    period_code   TEXT NOT NULL REFERENCES plan_periods(code),
    year          INTEGER NOT NULL,
    indicator     TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    numerator     REAL NOT NULL,
    denominator   REAL NOT NULL,
    value         REAL,
    status        TEXT NOT NULL,
    obtained      TEXT NOT NULL,
    frozen_by     TEXT NOT NULL,
    frozen_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (period_code, year, division_code, indicator)
);

-- +goose Down
DROP TABLE indicator_frozen;
DROP TABLE plan_indicators;
DROP TABLE plan_periods;
