-- expect: psql-meta-command
-- expect: psql-meta-command
-- expect: psql-meta-command
-- select: psql-meta-command, syntax-error
-- One finding per meta-command line and no syntax-error beside it.
\set ON_ERROR_STOP on
CREATE TABLE invoices (id bigint PRIMARY KEY);
ALTER TABLE invoices ADD COLUMN due_date date;
\i other_migration.sql
  \c billing
CREATE INDEX invoices_due_date_idx ON invoices (due_date);
