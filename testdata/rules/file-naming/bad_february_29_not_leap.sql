-- expect: file-naming
-- filename: migrations/20230229120000_add_users.sql
-- 2023 is not a leap year.
CREATE TABLE users (id bigint);
