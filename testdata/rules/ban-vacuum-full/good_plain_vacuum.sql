-- expect: none
-- pgsafe:no-transaction
VACUUM orders;
VACUUM (ANALYZE, FULL false) orders;
ANALYZE orders;
CREATE TABLE tickets (id bigint PRIMARY KEY);
CLUSTER tickets USING tickets_pkey;
