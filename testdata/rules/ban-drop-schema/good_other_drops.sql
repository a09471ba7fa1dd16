-- expect: none
DROP VIEW IF EXISTS reporting.daily_totals;
DROP FUNCTION IF EXISTS reporting.refresh();
