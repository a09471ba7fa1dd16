-- config: [rules.require-lock-timeout]
-- config: severity = "warning"
-- expect: require-lock-timeout
-- Reported once, at the first statement that blocks writes.
CREATE TABLE tickets (id bigint PRIMARY KEY);
CREATE INDEX tickets_id_idx ON tickets (id);
ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE customers ADD COLUMN note text;
