-- config: [rules.require-statement-timeout]
-- config: severity = "warning"
-- expect: require-statement-timeout
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);
ALTER TABLE orders ADD COLUMN note text;
