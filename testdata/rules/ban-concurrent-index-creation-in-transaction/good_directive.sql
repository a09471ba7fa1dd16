-- pgsafe:no-transaction
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);
DROP INDEX CONCURRENTLY IF EXISTS orders_old_idx;
REINDEX TABLE CONCURRENTLY orders;
