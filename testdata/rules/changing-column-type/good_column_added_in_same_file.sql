-- expect: none
-- The column was added in this migration: there are no values to convert yet.
ALTER TABLE accounts ADD COLUMN score integer;
ALTER TABLE accounts ALTER COLUMN score TYPE smallint;
