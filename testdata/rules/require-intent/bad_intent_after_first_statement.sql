-- expect: require-intent
ALTER TABLE invoices ADD COLUMN due_date date;
-- intent: too late, the migration already started
