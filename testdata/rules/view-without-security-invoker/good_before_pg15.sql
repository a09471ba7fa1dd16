-- expect: none
-- config: pg_version = 14
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE VIEW user_emails AS SELECT email FROM users;
