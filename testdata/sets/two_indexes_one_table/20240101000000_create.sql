-- expect: none
-- select: multiple-access-exclusive-tables
CREATE TABLE orders (id bigint PRIMARY KEY, a int, b int);
CREATE TABLE customers (id bigint PRIMARY KEY, note text);
CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);
