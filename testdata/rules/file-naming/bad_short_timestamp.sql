-- expect: file-naming
-- filename: migrations/202401151200_add_users.sql
CREATE TABLE users (id bigint);
