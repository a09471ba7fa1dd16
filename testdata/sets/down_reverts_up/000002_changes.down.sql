-- expect: changing-column-type
-- expect: ban-drop-column
-- expect: ban-update-without-where
-- The inverse of the up file is not reported (dropping what it created, renaming back, dropping
-- the NOT NULL it set); changing the type back is info. What the up file did not do is reported.
DROP TABLE invoices;
DROP INDEX accounts_email_idx;
ALTER TABLE accounts DROP COLUMN email;
ALTER TABLE accounts RENAME COLUMN full_name TO name;
ALTER TABLE accounts ALTER COLUMN plan DROP NOT NULL;
ALTER TABLE accounts ALTER COLUMN code TYPE varchar(20);
ALTER TABLE accounts DROP COLUMN plan;
UPDATE accounts SET name = 'x';
