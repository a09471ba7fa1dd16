-- expect: none
CREATE TABLE users (id bigint PRIMARY KEY, email text, active boolean);
CREATE VIEW active_users WITH (security_invoker = true) AS SELECT id, email FROM users WHERE active;
CREATE VIEW user_emails AS SELECT email FROM users;
ALTER VIEW user_emails SET (security_invoker = on);
-- Materialized views cannot be security_invoker, and private schemas are not exposed.
CREATE MATERIALIZED VIEW user_counts AS SELECT count(*) AS n FROM users;
CREATE SCHEMA reporting;
CREATE VIEW reporting.all_users AS SELECT * FROM users;
