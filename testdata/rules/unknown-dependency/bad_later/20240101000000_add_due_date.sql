-- expect: unknown-dependency
-- depends-on: 20240102000000_create_invoices.sql
ALTER TABLE invoices ADD COLUMN due_date date;
