-- expect: file-naming
-- config: layout = "diesel"
-- filename: migrations/2024-02-30-093000_create_users/up.sql
CREATE TABLE users (id bigint);
