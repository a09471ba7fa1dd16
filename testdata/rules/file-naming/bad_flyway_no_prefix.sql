-- expect: file-naming
-- config: layout = "flyway"
-- filename: sql/2__add_users.sql
CREATE TABLE users (id bigint);
