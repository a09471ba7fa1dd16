-- expect: none
-- config: layout = "golang-migrate"
-- filename: migrations/000001_create_users.down.sql
DROP TABLE users;
