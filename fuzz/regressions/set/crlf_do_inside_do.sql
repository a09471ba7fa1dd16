DO $outer$
BEGIN
  DO $inner$
  BEGIN
    DROP TABLE users;
    EXECUTE 'ALTER TABLE accounts DROP COLUMN email';
  END
  $inner$;
END
$outer$;
--@
CREATE TABLE users (id bigint PRIMARY KEY, email text);
ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs (id);
CREATE INDEX users_email_idx ON users (email);
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
-- pgsafe-ignore ban-drop-column: the column moved to profiles (OPS-1)
ALTER TABLE users DROP COLUMN email;


