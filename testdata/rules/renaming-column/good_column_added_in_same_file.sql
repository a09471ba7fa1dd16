-- expect: none
-- Renaming a column added earlier in the same migration breaks nobody.
ALTER TABLE accounts ADD COLUMN nick text;
ALTER TABLE accounts RENAME COLUMN nick TO nickname;
ALTER TABLE accounts RENAME COLUMN nickname TO display_name;
