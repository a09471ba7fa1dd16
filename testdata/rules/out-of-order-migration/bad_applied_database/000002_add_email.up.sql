-- expect: out-of-order-migration
-- Pending, but the database already applied version 3.
ALTER TABLE users ADD COLUMN email text;
