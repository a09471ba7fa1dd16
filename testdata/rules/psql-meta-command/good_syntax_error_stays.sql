-- expect: syntax-error
-- select: psql-meta-command, syntax-error
-- A plain syntax error is still syntax-error's finding.
ALTER TABLE users ADD COLUMN email text NOT NUL;
