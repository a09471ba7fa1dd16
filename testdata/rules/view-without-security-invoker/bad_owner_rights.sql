-- expect: view-without-security-invoker
-- expect: view-without-security-invoker
-- config: exposed_schemas = ["public"]
CREATE TABLE users (id bigint PRIMARY KEY, email text, active boolean);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active;
CREATE VIEW public.user_emails WITH (security_invoker = false) AS SELECT email FROM users;
