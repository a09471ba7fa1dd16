-- config: [rules.require-statement-timeout]
-- config: severity = "warning"
-- expect: none
SET statement_timeout = '5min';
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);
