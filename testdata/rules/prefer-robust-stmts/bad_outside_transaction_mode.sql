-- expect: prefer-robust-stmts
-- config: [rules.prefer-robust-stmts]
-- config: mode = "outside-transaction"
-- pgsafe:no-transaction
-- Outside a transaction a half-applied file is re-run from the top: the CREATE must be robust.
CREATE INDEX CONCURRENTLY invoices_due_date_idx ON invoices (due_date);
