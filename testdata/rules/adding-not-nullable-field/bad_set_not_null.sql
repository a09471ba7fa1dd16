-- expect: adding-not-nullable-field
-- expect: adding-not-nullable-field
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
-- A NOT VALID check proves nothing yet.
ALTER TABLE orders ADD CONSTRAINT orders_region_nn CHECK (region_id IS NOT NULL) NOT VALID;
ALTER TABLE orders ALTER COLUMN region_id SET NOT NULL;
