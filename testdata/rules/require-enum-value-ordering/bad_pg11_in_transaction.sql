-- config: pg_version = 11
-- expect: require-enum-value-ordering
-- expect: require-enum-value-ordering
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';
