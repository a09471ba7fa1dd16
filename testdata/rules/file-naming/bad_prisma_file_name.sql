-- expect: file-naming
-- config: layout = "prisma"
-- filename: prisma/migrations/20240115093000_init/schema.sql
CREATE TABLE users (id bigint);
