-- expect: none
-- No configuration, and nothing shows an API serves public (no Supabase layout, no policy, no
-- grant to anon or authenticated, no auth.uid()): an app behind its own server, no RLS demanded.
CREATE TABLE profiles (id uuid PRIMARY KEY, bio text);
