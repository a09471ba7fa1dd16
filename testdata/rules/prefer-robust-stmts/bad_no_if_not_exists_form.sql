-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- expect: prefer-robust-stmts
-- config: [rules.prefer-robust-stmts]
-- config: mode = "always"
-- Objects without IF NOT EXISTS: reported with a recipe, no fix (except OR REPLACE for the trigger).
CREATE TYPE invoice_status AS ENUM ('draft', 'sent');
CREATE DOMAIN positive_amount AS numeric CHECK (VALUE > 0);
CREATE POLICY invoices_read ON billing.invoices FOR SELECT USING (true);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON billing.invoices FOR EACH ROW EXECUTE FUNCTION set_updated_at();
-- An unnamed index is created again on every run.
CREATE INDEX ON billing.invoices (due_date);
SELECT * INTO invoices_backup FROM billing.invoices;
