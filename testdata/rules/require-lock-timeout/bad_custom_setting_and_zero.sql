-- config: [rules.require-lock-timeout]
-- config: severity = "warning"
-- expect: require-lock-timeout
-- A custom setting is not the lock_timeout, and 0 turns it off.
SET app.lock_timeout = '2s';
SET lock_timeout = 0;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
