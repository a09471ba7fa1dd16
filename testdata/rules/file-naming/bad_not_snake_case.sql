-- expect: file-naming
-- filename: migrations/20240115120000_AddUsers.sql
CREATE TABLE users (id bigint);
