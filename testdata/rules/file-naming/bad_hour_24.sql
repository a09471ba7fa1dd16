-- expect: file-naming
-- filename: migrations/20240115240000_add_users.sql
CREATE TABLE users (id bigint);
