-- expect: adding-required-field
-- expect: adding-required-field
ALTER TABLE orders ADD COLUMN currency text NOT NULL;
ALTER TABLE shop.orders ADD COLUMN region_id bigint NOT NULL REFERENCES regions (id);
