-- expect: ban-drop-column
-- A column swap: a new column is added and filled, the old one dropped, and the new one renamed
-- to the old name later in the file. An info finding (check the copy), not an error.
ALTER TABLE accounts ADD COLUMN balance_new numeric(20, 2);
UPDATE accounts SET balance_new = balance WHERE balance_new IS NULL;
ALTER TABLE accounts DROP COLUMN balance;
ALTER TABLE accounts RENAME COLUMN balance_new TO balance;
