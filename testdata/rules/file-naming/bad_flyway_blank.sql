-- expect: file-naming
-- config: layout = "flyway"
-- filename: sql/V2__add users.sql
CREATE TABLE users (id bigint);
