-- expect: none
-- config: [rules.prefer-robust-stmts]
-- config: mode = "outside-transaction"
-- The applier wraps this file in a transaction: a failure rolls all of it back, so re-running is safe.
CREATE TABLE invoices (id bigint PRIMARY KEY);
ALTER TABLE invoices ADD COLUMN due_date date;
