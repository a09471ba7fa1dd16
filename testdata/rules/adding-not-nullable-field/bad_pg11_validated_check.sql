-- config: pg_version = 11
-- expect: adding-not-nullable-field
-- Before PostgreSQL 12 a validated CHECK does not spare the scan.
ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL);
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
