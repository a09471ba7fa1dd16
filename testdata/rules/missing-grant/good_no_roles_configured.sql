-- expect: none
-- select: missing-grant
CREATE TABLE invoices (id bigint PRIMARY KEY);
