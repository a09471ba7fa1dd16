-- expect: file-naming
-- config: layout = "drizzle"
-- filename: drizzle/1_init.sql
CREATE TABLE users (id bigint);
