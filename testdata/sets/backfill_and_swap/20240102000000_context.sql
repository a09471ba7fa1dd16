-- expect: ban-update-without-where
-- expect: ban-drop-column
-- expect: ban-drop-table
-- The backfill of a new column, the column swap and the table rebuilt from a query are info; the
-- NOT NULL column on a table emptied above is not reported at all.
ALTER TABLE accounts ADD COLUMN plan_new text;
UPDATE accounts SET plan_new = upper(plan);
ALTER TABLE accounts DROP COLUMN plan;
ALTER TABLE accounts RENAME COLUMN plan_new TO plan;
DROP TABLE stats;
CREATE TABLE stats AS SELECT id AS account_id, 0 AS posts FROM accounts;
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN token text NOT NULL;
