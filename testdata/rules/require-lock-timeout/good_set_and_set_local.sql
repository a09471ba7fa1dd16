-- config: [rules.require-lock-timeout]
-- config: severity = "warning"
-- expect: none
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN note text;
