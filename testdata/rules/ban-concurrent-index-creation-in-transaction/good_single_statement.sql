-- expect: none
-- The file's only statement: applied outside a transaction.
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
