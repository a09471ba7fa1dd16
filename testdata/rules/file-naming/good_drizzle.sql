-- expect: none
-- config: layout = "drizzle"
-- filename: drizzle/0000_bitter_wolfsbane.sql
CREATE TABLE users (id bigint);
