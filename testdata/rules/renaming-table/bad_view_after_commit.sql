-- expect: renaming-table
-- pgsafe:no-transaction
-- The view arrives only after the rename has committed: old code fails in between.
BEGIN;
ALTER TABLE customers RENAME TO accounts;
COMMIT;
CREATE VIEW customers AS SELECT * FROM accounts;
