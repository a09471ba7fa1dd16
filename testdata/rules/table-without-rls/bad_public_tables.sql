-- expect: table-without-rls
-- expect: table-without-rls
-- filename: supabase/migrations/20240101000000_profiles.sql
-- A Supabase project: public is served by the API.
CREATE TABLE profiles (id uuid PRIMARY KEY, bio text);
CREATE UNLOGGED TABLE public.sessions (id uuid PRIMARY KEY);
