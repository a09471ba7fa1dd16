-- expect: table-without-rls
-- expect: policy-without-rls
-- Turning it off again reopens the table: the finding points here.
ALTER TABLE posts DISABLE ROW LEVEL SECURITY;
