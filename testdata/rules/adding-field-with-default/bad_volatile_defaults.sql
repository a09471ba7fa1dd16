-- expect: adding-field-with-default
-- expect: adding-field-with-default
-- expect: adding-field-with-default
-- expect: adding-field-with-default
-- expect: adding-field-with-default
-- expect: adding-field-with-default
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
ALTER TABLE orders ADD COLUMN jitter float8 DEFAULT random();
ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();
ALTER TABLE orders ADD COLUMN seq bigint DEFAULT nextval('orders_seq');
ALTER TABLE orders ADD COLUMN legacy_id bigserial;
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (total * 100) STORED;
