-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- config: [rules.prefer-robust-stmts]
-- config: mode = "always"
-- ADD COLUMN / DROP COLUMN / DROP CONSTRAINT get IF [NOT] EXISTS; ADD CONSTRAINT has no such
-- form and needs a guard (no fix offered).
ALTER TABLE billing.invoices ADD COLUMN due_date date, ADD "Notes" text;
ALTER TABLE billing.invoices DROP COLUMN legacy_code;
ALTER TABLE billing.invoices DROP CONSTRAINT "Invoices_Old_Check";
ALTER TABLE billing.invoices ADD CONSTRAINT invoices_due_date_check CHECK (due_date > '2000-01-01');
ALTER TABLE billing.invoices ADD CHECK (id > 0);
-- Statements that are idempotent by nature are not reported.
ALTER TABLE billing.invoices ALTER COLUMN due_date SET NOT NULL, ALTER COLUMN due_date SET DEFAULT now();
