-- expect: none
-- select: table-without-rls, rls-without-policy, policy-without-rls
CREATE TABLE profiles (id uuid PRIMARY KEY, bio text);
CREATE TABLE posts (id bigint PRIMARY KEY, author uuid);
CREATE POLICY posts_read ON posts FOR SELECT USING (true);
