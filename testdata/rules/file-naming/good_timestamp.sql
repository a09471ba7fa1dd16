-- expect: none
-- filename: migrations/20240229235959_add_users_v2.sql
-- 29 February 2024 exists (leap year); 23:59:59 is the last second of a day.
CREATE TABLE users (id bigint);
