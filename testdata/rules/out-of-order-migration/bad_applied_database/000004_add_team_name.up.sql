-- expect: none
ALTER TABLE teams ADD COLUMN name text;
