-- expect: transaction-nesting
-- expect: transaction-nesting
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;
