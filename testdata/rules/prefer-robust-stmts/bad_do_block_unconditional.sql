-- expect: prefer-robust-stmts
-- config: [rules.prefer-robust-stmts]
-- config: mode = "always"
-- A DO block without IF or an exception handler guards nothing.
DO $$
BEGIN
  CREATE TABLE events (id bigint);
END
$$;
