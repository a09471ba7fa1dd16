-- expect: mixed-schema-and-data
-- Reported once, at the first data statement, naming the first schema change.
ALTER TABLE billing.invoices ADD COLUMN due_date date;
UPDATE billing.invoices SET due_date = issued_on + 30;
DELETE FROM billing.invoices WHERE due_date IS NULL;
