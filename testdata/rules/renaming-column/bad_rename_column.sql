-- expect: renaming-column
-- expect: renaming-column
-- expect: renaming-column
ALTER TABLE users RENAME COLUMN email TO email_address;
ALTER TABLE IF EXISTS crm."Contacts" RENAME "FirstName" TO first_name;
ALTER VIEW active_users RENAME COLUMN email TO email_address;
