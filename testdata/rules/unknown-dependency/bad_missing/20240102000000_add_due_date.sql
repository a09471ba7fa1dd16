-- expect: unknown-dependency
-- depends-on: 20240101000000, 20231201000000_create_customers
ALTER TABLE invoices ADD COLUMN due_date date;
