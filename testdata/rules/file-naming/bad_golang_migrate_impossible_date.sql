-- expect: file-naming
-- config: layout = "golang-migrate"
-- filename: migrations/20241232000000_add_users.up.sql
CREATE TABLE users (id bigint);
