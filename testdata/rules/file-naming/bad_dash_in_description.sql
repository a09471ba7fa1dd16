-- expect: file-naming
-- filename: migrations/20240115120000_add-users.sql
CREATE TABLE users (id bigint);
