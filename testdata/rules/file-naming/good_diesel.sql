-- expect: none
-- config: layout = "diesel"
-- filename: migrations/2024-01-15-093000_create-users/down.sql
DROP TABLE users;
