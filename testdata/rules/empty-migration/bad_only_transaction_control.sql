-- expect: empty-migration
BEGIN;
-- add the due date to invoices
COMMIT;
