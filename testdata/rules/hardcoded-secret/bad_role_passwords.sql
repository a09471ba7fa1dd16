-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
CREATE ROLE reporting LOGIN PASSWORD 'w7#Vq9!mZ2pL';
ALTER ROLE reporting WITH ENCRYPTED PASSWORD 'SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5c3Q=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5c2U=';
ALTER USER legacy PASSWORD 'md55f4dcc3b5aa765d61d8327deb882cf99';
-- A placeholder-looking password is still the password the migration sets.
CREATE USER analyst PASSWORD 'changeme';
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'etl') THEN
    EXECUTE 'CREATE ROLE etl LOGIN PASSWORD ''Pl4in-text-in-dynamic-SQL''';
  END IF;
END
$$;
