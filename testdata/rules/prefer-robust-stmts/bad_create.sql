-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
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
-- Each CREATE fails the second time; the fix inserts IF NOT EXISTS / OR REPLACE after the keywords.
CREATE TABLE billing.invoices (id bigint PRIMARY KEY);
create unlogged table "Audit Log" (id bigint);
CREATE UNIQUE INDEX CONCURRENTLY invoices_number_key ON billing.invoices (id);
CREATE INDEX /* why */ invoices_id_idx ON billing.invoices (id);
CREATE SCHEMA reporting;
CREATE SEQUENCE billing.invoice_numbers;
CREATE EXTENSION pgcrypto;
CREATE VIEW reporting.open_invoices AS SELECT id FROM billing.invoices;
CREATE MATERIALIZED VIEW reporting.invoice_totals AS SELECT count(*) FROM billing.invoices;
CREATE TABLE invoices_copy AS SELECT * FROM billing.invoices;
CREATE FUNCTION billing.next_number() RETURNS bigint LANGUAGE sql AS $$ SELECT 1::bigint $$;
