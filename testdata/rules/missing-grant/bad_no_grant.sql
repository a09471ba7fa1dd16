-- expect: missing-grant
-- expect: missing-grant
-- config: exposed_schemas = ["public"]
-- config: [rules.missing-grant]
-- config: roles = ["authenticated", "service_role"]
CREATE TABLE invoices (id bigint PRIMARY KEY);
CREATE TABLE payments (id bigint PRIMARY KEY);
GRANT SELECT ON payments TO authenticated;
