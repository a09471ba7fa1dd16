-- expect: ban-drop-table
-- expect: ban-drop-table
-- expect: ban-drop-table
-- expect: ban-drop-table
-- expect: ban-drop-table
-- DROP TABLE inside a DO inside a DO, and in dynamic SQL with constant text: each one is seen,
-- at its own line and column.
DO $outer$
BEGIN
  DO $inner$ BEGIN DROP TABLE users; END $inner$;
  EXECUTE 'DO $x$ BEGIN RAISE NOTICE ''dropping''; DROP TABLE accounts; END $x$';
END
$outer$;

DO $$
BEGIN
  EXECUTE $q$DROP TABLE sessions$q$;
  EXECUTE 'DROP ' || 'TABLE tokens';
  EXECUTE format('DROP TABLE invoices');
  -- Built at run time: not knowable, not reported.
  EXECUTE format('DROP TABLE %I', 'audit_log');
END
$$;
