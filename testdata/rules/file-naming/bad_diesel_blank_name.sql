-- expect: file-naming
-- config: layout = "diesel"
-- filename: migrations/2024-01-15-093000_create users/up.sql
CREATE TABLE users (id bigint);
