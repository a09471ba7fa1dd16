-- expect: none
CREATE INDEX CONCURRENTLY orders_b_idx ON orders (b);
