-- expect: duplicate-index
-- expect: duplicate-index
-- expect: duplicate-index
CREATE TABLE users (id bigint PRIMARY KEY, email text, deleted_at timestamptz);
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX users_email_lookup ON users (email);
CREATE INDEX users_live_email ON users (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX users_live_email2 ON users (lower(email)) WHERE deleted_at IS NULL;
-- A plain index on the primary key's column is redundant too.
CREATE INDEX users_id_idx ON users (id);
