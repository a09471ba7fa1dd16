-- expect: none
-- PostgreSQL 12+: a validated CHECK (col IS NOT NULL) lets SET NOT NULL skip the scan.
ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_nn;
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
-- validated when added (the scan happens here, not at SET NOT NULL), conjunctions count too
ALTER TABLE orders ADD CONSTRAINT orders_checks CHECK ((total >= 0) AND (region_id IS NOT NULL));
ALTER TABLE orders ALTER COLUMN region_id SET NOT NULL;
