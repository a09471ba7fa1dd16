-- pgsafe:no-transaction
-- expect: none
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
SAVEPOINT before_customers;
ALTER TABLE customers ADD COLUMN note text;
ROLLBACK TO SAVEPOINT before_customers;
COMMIT;
BEGIN;
ALTER TABLE customers ADD COLUMN note text;
COMMIT;
