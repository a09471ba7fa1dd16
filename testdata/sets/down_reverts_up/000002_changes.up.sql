-- expect: renaming-column
ALTER TABLE accounts ADD COLUMN email text;
CREATE INDEX accounts_email_idx ON accounts (email);
ALTER TABLE accounts RENAME COLUMN name TO full_name;
ALTER TABLE accounts ALTER COLUMN code TYPE varchar(40);
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
CREATE TABLE invoices (id bigint PRIMARY KEY);
