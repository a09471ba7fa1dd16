-- config: assume_in_transaction = false
-- expect: none
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;
