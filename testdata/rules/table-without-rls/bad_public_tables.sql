-- expect: table-without-rls
-- expect: table-without-rls
CREATE TABLE profiles (id uuid PRIMARY KEY, bio text);
CREATE UNLOGGED TABLE public.sessions (id uuid PRIMARY KEY);
