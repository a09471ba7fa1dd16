-- expect: none
-- config: [rules.missing-grant]
-- config: roles = ["authenticated", "service_role"]
CREATE TABLE invoices (id bigint PRIMARY KEY);
GRANT SELECT, INSERT ON invoices TO authenticated, service_role;
-- Default privileges cover tables created after them.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO authenticated, service_role;
CREATE TABLE payments (id bigint PRIMARY KEY);
-- A grant to PUBLIC covers every role; ALL TABLES IN SCHEMA covers existing tables.
CREATE TABLE prices (id bigint PRIMARY KEY);
GRANT SELECT ON prices TO PUBLIC;
CREATE SCHEMA internal;
CREATE TABLE internal.jobs (id bigint PRIMARY KEY);
