-- expect: ban-concurrent-index-creation-in-transaction
-- expect: ban-concurrent-index-creation-in-transaction
-- Two statements: the applier wraps the file in a transaction.
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
DROP INDEX CONCURRENTLY orders_old_idx;
