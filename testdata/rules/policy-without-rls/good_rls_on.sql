-- expect: none
CREATE TABLE notes (id bigint PRIMARY KEY, owner uuid);
CREATE POLICY notes_owner ON notes USING (owner = auth.uid());
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
-- A policy on a table from outside the set: its RLS state is unknown.
CREATE POLICY read_own ON auth.identities USING (user_id = auth.uid());
