-- expect: policy-always-true
-- expect: policy-always-true
-- expect: policy-always-true
-- expect: policy-always-true
CREATE TABLE posts (id bigint PRIMARY KEY, author_id uuid);
CREATE POLICY anyone_edits ON posts FOR UPDATE TO authenticated USING (true);
CREATE POLICY anyone_inserts ON posts FOR INSERT TO anon WITH CHECK ('t'::boolean);
CREATE POLICY everything ON posts USING (1 = 1);
CREATE POLICY owners_delete ON posts FOR DELETE TO authenticated USING (author_id = auth.uid());
ALTER POLICY owners_delete ON posts USING (true);
