-- expect: none
-- pgsafe-ignore-file out-of-order-migration: touches only invoices, independent of the orders migration
CREATE TABLE invoices (id bigint PRIMARY KEY, due_date date);
