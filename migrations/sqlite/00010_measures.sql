-- +goose Up
-- Measures: numbers kept per division at the level where they are counted
-- (a community, township or county), in integer units so that sums are exact.
CREATE TABLE measure_values (
    measure       TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES divisions(code),
    value         BIGINT NOT NULL,
    PRIMARY KEY (measure, division_code)
);
-- The same numbers summed up the tree: one row per measure and division
-- (the division itself and every ancestor), moved by each change's difference.
CREATE TABLE measure_totals (
    division_code TEXT NOT NULL REFERENCES divisions(code),
    measure       TEXT NOT NULL,
    value         BIGINT NOT NULL,
    PRIMARY KEY (division_code, measure)
);

-- +goose Down
DROP TABLE measure_totals;
DROP TABLE measure_values;
