-- expect: none
CREATE TABLE products (id bigint PRIMARY KEY, stock bigint, rank smallserial);
