-- expect: file-naming
-- config: layout = "golang-migrate"
-- filename: migrations/20240115120000_add_users.sql
CREATE TABLE users (id bigint);
