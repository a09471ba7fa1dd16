-- expect: none
-- filename: migrations/add_users.sql
-- pgsafe-ignore-file file-naming: applied by the legacy tool under this name, renaming would re-run it
CREATE TABLE users (id bigint);
