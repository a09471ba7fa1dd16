CREATE TABLE users (id bigint PRIMARY KEY, email text);
--@down
DROP TABLE users;
--@
ALTER TABLE users ADD COLUMN name text NOT NULL;
CREATE INDEX users_name_idx ON users (name);
--@down
ALTER TABLE users DROP COLUMN name;
