-- expect: none
-- Data only (GRANT, COMMENT and SET are neither schema nor data changes).
SET lock_timeout = '2s';
UPDATE invoices SET due_date = issued_on + 30 WHERE due_date IS NULL;
GRANT SELECT ON invoices TO reporting;
COMMENT ON COLUMN invoices.due_date IS 'payment due';
