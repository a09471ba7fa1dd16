-- expect: none
-- select: changing-column-type, unindexed-foreign-key, table-without-rls, policy-without-rls, duplicate-index
CREATE TABLE users (id int PRIMARY KEY, handle varchar(50));
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id));
CREATE INDEX posts_user_id_idx ON posts (user_id);
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
