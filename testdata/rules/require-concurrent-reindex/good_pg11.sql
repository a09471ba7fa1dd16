-- config: pg_version = 11
-- expect: none
REINDEX TABLE orders;
