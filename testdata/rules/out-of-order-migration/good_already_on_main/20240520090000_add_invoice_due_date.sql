-- committed: main
-- expect: none
-- Merged already (older than the next one, but on main): nothing left to act on.
ALTER TABLE invoices ADD COLUMN due_date date;
