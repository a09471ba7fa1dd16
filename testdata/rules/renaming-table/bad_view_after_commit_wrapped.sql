-- expect: renaming-table
-- Even when the applier wraps the file, the COMMIT ends the transaction before the view exists.
BEGIN;
ALTER TABLE customers RENAME TO accounts;
COMMIT;
CREATE VIEW customers AS SELECT * FROM accounts;
