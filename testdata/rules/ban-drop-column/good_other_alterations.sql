-- expect: none
-- Dropping constraints, defaults or columns of a foreign table loses no row data.
ALTER TABLE users DROP CONSTRAINT users_email_key, ALTER COLUMN created_at DROP DEFAULT;
ALTER FOREIGN TABLE remote_users DROP COLUMN nickname;
ALTER TABLE users ADD COLUMN nickname text;
