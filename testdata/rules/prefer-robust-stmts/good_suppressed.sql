-- expect: none
-- config: [rules.prefer-robust-stmts]
-- config: mode = "always"
-- pgsafe-ignore prefer-robust-stmts: this table must not exist yet; failing loudly is intended
CREATE TABLE invoices (id bigint PRIMARY KEY);
