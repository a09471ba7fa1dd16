-- pgsafe:no-transaction
-- expect: transaction-nesting
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
BEGIN;
ALTER TABLE customers ADD COLUMN note text;
COMMIT;
