-- expect: policy-without-rls
CREATE TABLE notes (id bigint PRIMARY KEY, owner uuid);
CREATE POLICY notes_owner ON notes USING (owner = auth.uid());
CREATE POLICY notes_insert ON notes FOR INSERT WITH CHECK (owner = auth.uid());
