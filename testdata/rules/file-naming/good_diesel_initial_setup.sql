-- expect: none
-- config: layout = "diesel"
-- filename: migrations/00000000000000_diesel_initial_setup/up.sql
-- diesel's generated first migration: an all-zero version is deliberate, dashes in names are fine.
CREATE TABLE users (id bigint);
