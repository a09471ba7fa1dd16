-- expect: none
CREATE TABLE users (id bigint PRIMARY KEY, email text, deleted_at timestamptz);
CREATE INDEX users_email_idx ON users (email);
-- Different predicate, columns, order or method: different indexes.
CREATE INDEX users_live_email ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX users_email_id ON users (email, id);
CREATE INDEX users_email_desc ON users (email DESC);
CREATE INDEX users_email_hash ON users USING hash (email);
-- A unique index over a plain one adds a constraint.
CREATE UNIQUE INDEX users_email_key ON users (email);
-- IF NOT EXISTS with the same name is a no-op.
CREATE INDEX IF NOT EXISTS users_email_idx ON users (email);
