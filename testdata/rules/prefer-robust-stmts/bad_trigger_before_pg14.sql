-- expect: prefer-robust-stmts
-- config: pg_version = 13
-- config: [rules.prefer-robust-stmts]
-- config: mode = "always"
-- CREATE OR REPLACE TRIGGER arrived in PostgreSQL 14: no fix, the help says to drop first.
CREATE TRIGGER set_updated_at BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION set_updated_at();
