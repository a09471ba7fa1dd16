-- expect: none
CREATE TABLE todos (id bigint PRIMARY KEY, owner uuid);
ALTER TABLE todos ENABLE ROW LEVEL SECURITY;
CREATE POLICY todos_owner ON todos TO authenticated USING (owner = auth.uid());
-- A table from outside the set may have policies outside it.
ALTER TABLE auth.audit ENABLE ROW LEVEL SECURITY;
