-- committed: main
-- expect: none
CREATE TABLE orders (id bigint PRIMARY KEY);
