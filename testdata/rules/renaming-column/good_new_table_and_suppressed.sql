-- expect: none
CREATE TABLE crm.leads (id bigint, mail text);
ALTER TABLE crm.leads RENAME COLUMN mail TO email;

-- pgsafe-ignore renaming-column: the only reader is the admin app, deployed in the same release
ALTER TABLE users RENAME COLUMN nick TO nickname;
-- Renaming constraints or indexes does not break queries.
ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_email_unique;
