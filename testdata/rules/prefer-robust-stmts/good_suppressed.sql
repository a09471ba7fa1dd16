-- expect: none
-- pgsafe-ignore prefer-robust-stmts: this table must not exist yet; failing loudly is intended
CREATE TABLE invoices (id bigint PRIMARY KEY);
