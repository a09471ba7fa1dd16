-- expect: none
-- config: exposed_schemas = ["api"]
CREATE TABLE public.internal_jobs (id bigint PRIMARY KEY);
CREATE SCHEMA api;
CREATE TABLE api.items (id bigint PRIMARY KEY);
ALTER TABLE api.items ENABLE ROW LEVEL SECURITY;
