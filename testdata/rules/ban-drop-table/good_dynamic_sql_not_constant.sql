-- expect: none
-- Dynamic SQL whose text is only known at run time is not guessed at.
DO $$
DECLARE
  t text := 'scratch';
BEGIN
  EXECUTE 'DROP TABLE ' || quote_ident(t);
  EXECUTE format('DROP TABLE %I', t);
  EXECUTE $q$SELECT 1$q$;
END
$$;
