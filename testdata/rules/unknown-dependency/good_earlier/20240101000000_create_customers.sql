-- expect: none
CREATE TABLE customers (id bigint PRIMARY KEY);
