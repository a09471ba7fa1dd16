-- expect: none
CREATE TABLE IF NOT EXISTS billing.invoices (id bigint PRIMARY KEY);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS invoices_number_key ON billing.invoices (id);
CREATE SCHEMA IF NOT EXISTS reporting;
CREATE SEQUENCE IF NOT EXISTS billing.invoice_numbers;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE OR REPLACE VIEW reporting.open_invoices AS SELECT id FROM billing.invoices;
CREATE MATERIALIZED VIEW IF NOT EXISTS reporting.invoice_totals AS SELECT count(*) FROM billing.invoices;
CREATE TABLE IF NOT EXISTS invoices_copy AS SELECT * FROM billing.invoices;
CREATE OR REPLACE FUNCTION billing.next_number() RETURNS bigint LANGUAGE sql AS $$ SELECT 1::bigint $$;
CREATE OR REPLACE TRIGGER set_updated_at BEFORE UPDATE ON billing.invoices FOR EACH ROW EXECUTE FUNCTION set_updated_at();
ALTER TABLE billing.invoices ADD COLUMN IF NOT EXISTS due_date date, DROP COLUMN IF EXISTS legacy_code;
DROP TABLE IF EXISTS billing.old_invoices;
DROP INDEX CONCURRENTLY IF EXISTS invoices_old_idx;
COMMENT ON TABLE billing.invoices IS 'issued invoices';
GRANT SELECT ON billing.invoices TO reporting;
