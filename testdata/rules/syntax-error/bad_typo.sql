-- expect: syntax-error
CREATE TABLE users (id bigint PRIMARY KEY);
ALTER TABLE users ADD COLUMN email text NOT NUL;
CREATE INDEX users_email_idx ON users (email);
