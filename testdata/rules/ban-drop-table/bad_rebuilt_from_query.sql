-- expect: ban-drop-table
-- expect: ban-drop-table
-- Derived tables dropped and rebuilt from a query later in the file: info findings (check that
-- the query yields every row), not errors.
DROP TABLE report_cache;
CREATE TABLE report_cache AS SELECT 1 AS x;
DROP TABLE daily_totals;
CREATE TABLE daily_totals (day date PRIMARY KEY, total bigint NOT NULL);
INSERT INTO daily_totals SELECT current_date, 0;
