-- expect: none
CREATE TABLE posts (id bigint PRIMARY KEY, author_id uuid);
-- Publishing rows read-only is fine.
CREATE POLICY public_read ON posts FOR SELECT TO anon, authenticated USING (true);
CREATE POLICY authors_edit ON posts FOR UPDATE TO authenticated
  USING (author_id = auth.uid()) WITH CHECK (author_id = auth.uid());
-- A trusted role may have unrestricted access.
CREATE POLICY service_all ON posts TO service_role USING (true) WITH CHECK (true);
-- Altering a policy pgsafe does not know: command and roles unknown.
ALTER POLICY legacy ON comments USING (true);
