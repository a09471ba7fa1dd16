-- expect: require-intent
-- intent:
ALTER TABLE invoices ADD COLUMN due_date date;
