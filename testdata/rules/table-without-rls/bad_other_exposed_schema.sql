-- expect: table-without-rls
-- config: exposed_schemas = ["api"]
CREATE SCHEMA api;
CREATE TABLE api.items (id bigint PRIMARY KEY);
