-- expect: require-intent
-- A leading comment that is not an intent does not count.
ALTER TABLE invoices ADD COLUMN due_date date;
