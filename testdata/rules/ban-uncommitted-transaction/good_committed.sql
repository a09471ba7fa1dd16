-- pgsafe:no-transaction
-- expect: none
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
END;
BEGIN;
ALTER TABLE customers ADD COLUMN note text;
ROLLBACK;
