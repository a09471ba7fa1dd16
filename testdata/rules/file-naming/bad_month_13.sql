-- expect: file-naming
-- filename: migrations/20241301120000_add_users.sql
CREATE TABLE users (id bigint);
