-- expect: rls-without-policy
CREATE TABLE todos (id bigint PRIMARY KEY, owner uuid);
ALTER TABLE todos ENABLE ROW LEVEL SECURITY;
