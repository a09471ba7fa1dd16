-- expect: table-without-rls
-- A grant to the API's anon role shows public is exposed: every table there needs RLS.
CREATE TABLE profiles (id uuid PRIMARY KEY, bio text);
ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
CREATE TABLE notes (id uuid PRIMARY KEY, body text);
GRANT SELECT ON notes TO anon;
