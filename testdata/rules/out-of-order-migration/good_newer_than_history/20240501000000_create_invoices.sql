-- committed: main
-- expect: none
CREATE TABLE invoices (id bigint PRIMARY KEY);
