-- expect: none
-- RLS arrives a file later for both tables: that clears their findings.
ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY profiles_own ON profiles USING (id = auth.uid());
ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
