-- expect: prefer-robust-stmts
-- A DO block without IF or an exception handler guards nothing.
DO $$
BEGIN
  CREATE TABLE events (id bigint);
END
$$;
