-- expect: prefer-timestamptz
-- expect: prefer-timestamptz
-- ADD COLUMN gets a safe fix; changing an existing column's type gets an unsafe one.
ALTER TABLE orders ADD COLUMN paid_at timestamp(0) WITHOUT TIME ZONE;
ALTER TABLE orders ALTER COLUMN placed_at TYPE timestamp;
