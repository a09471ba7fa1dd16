-- expect: none
-- A column added earlier in the same migration holds no data and no code uses it yet.
ALTER TABLE accounts ADD COLUMN scratch text;
ALTER TABLE accounts DROP COLUMN scratch;
