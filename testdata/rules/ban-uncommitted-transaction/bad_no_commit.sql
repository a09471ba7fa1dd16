-- pgsafe:no-transaction
-- expect: ban-uncommitted-transaction
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;
START TRANSACTION;
ALTER TABLE customers ADD COLUMN note text
