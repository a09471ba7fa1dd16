-- config: [rules.require-lock-timeout]
-- config: severity = "warning"
-- expect: none
-- Writes and SHARE UPDATE EXCLUSIVE do not queue other writers.
UPDATE settings SET value = 'on' WHERE key = 'notes';
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
SET lock_timeout TO '1s';
DROP INDEX orders_old_idx;
