-- expect: unknown-dependency
-- depends-on: 20240101000000
CREATE TABLE invoices (id bigint PRIMARY KEY);
