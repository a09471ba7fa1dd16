-- expect: none
-- The two-phase recipe: a view takes over the old name in the same transaction.
BEGIN;
ALTER TABLE customers RENAME TO accounts;
CREATE VIEW customers AS SELECT * FROM accounts;
COMMIT;
