-- filename: prisma/migrations/20240528214728_add_index_02/migration.sql
-- expect: ban-drop-table
-- The set is linted (this DROP is reported) and the shared timestamp is not.
CREATE TABLE b (id bigint PRIMARY KEY);
DROP TABLE a;
