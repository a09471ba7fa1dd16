-- expect: file-naming
-- filename: migrations/add_users.sql
CREATE TABLE users (id bigint);
