-- expect: empty-migration
-- TODO: add the due date to invoices

/* nothing here yet */
