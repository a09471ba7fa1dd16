-- expect: none
-- A DROP ... IF EXISTS of the same object earlier in the file makes the CREATE re-runnable.
ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_due_date_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_due_date_check CHECK (due_date > '2000-01-01') NOT VALID;
DROP POLICY IF EXISTS invoices_read ON billing.invoices;
CREATE POLICY invoices_read ON billing.invoices FOR SELECT USING (true);
DROP TYPE IF EXISTS invoice_status;
CREATE TYPE invoice_status AS ENUM ('draft', 'sent');
DROP TRIGGER IF EXISTS set_updated_at ON invoices;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION set_updated_at();
DROP VIEW IF EXISTS "Open Invoices";
CREATE VIEW "Open Invoices" AS SELECT 1;
-- Guarded by a DO block that checks the catalog.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'invoices_customer_fkey') THEN
    ALTER TABLE invoices ADD CONSTRAINT invoices_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
  END IF;
END
$$;
-- Guarded by an exception handler.
DO $$
BEGIN
  CREATE TYPE payment_method AS ENUM ('card', 'transfer');
EXCEPTION
  WHEN duplicate_object THEN NULL;
END
$$;
-- A DROP of something this file created always finds it.
CREATE TABLE IF NOT EXISTS scratch_ids (id bigint);
DROP TABLE scratch_ids;
-- Temporary objects vanish with the session: the next run starts without them.
CREATE TEMP TABLE import_rows (line text);
CREATE TEMPORARY VIEW import_preview AS SELECT line FROM import_rows;
CREATE TEMP SEQUENCE import_seq;
