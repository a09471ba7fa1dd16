-- expect: none
CREATE TABLE profiles (id uuid PRIMARY KEY, bio text);
ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
-- Not in an exposed schema.
CREATE SCHEMA internal;
CREATE TABLE internal.jobs (id bigint PRIMARY KEY);
-- Temporary tables are not schema.
CREATE TEMP TABLE scratch (id int);
-- A table from outside the set: its RLS state is unknown.
ALTER TABLE existing ADD COLUMN note text;
