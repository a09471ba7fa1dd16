-- pgsafe:no-transaction
-- expect: statement-after-access-exclusive
-- expect: statement-after-access-exclusive
BEGIN;
DROP INDEX orders_old_idx;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;
BEGIN;
ALTER TABLE customers ALTER COLUMN name SET NOT NULL;
UPDATE audit SET seen = true WHERE what = 'customers.name';
COMMIT;
