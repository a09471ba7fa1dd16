-- expect: none
-- config: pg_version = 18
-- NOT VALID (PostgreSQL 18) checks new rows only; VALIDATE CONSTRAINT scans later without blocking writes.
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null NOT NULL customer_id NOT VALID;
