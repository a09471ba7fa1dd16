-- expect: none
-- config: layout = "prisma"
-- filename: prisma/migrations/20240115093000_init/migration.sql
CREATE TABLE users (id bigint);
