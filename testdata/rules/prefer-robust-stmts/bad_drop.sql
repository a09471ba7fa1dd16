-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- config: [rules.prefer-robust-stmts]
-- config: mode = "always"
-- DROP without IF EXISTS fails once the object is gone; the fix adds IF EXISTS before the names.
DROP TABLE billing.old_invoices, "Legacy";
DROP INDEX CONCURRENTLY invoices_old_idx;
DROP MATERIALIZED VIEW reporting.totals;
DROP VIEW reporting.open_invoices;
DROP TYPE invoice_status;
DROP FUNCTION billing.next_number(int);
DROP TRIGGER set_updated_at ON billing.invoices;
DROP POLICY invoices_read ON billing.invoices;
