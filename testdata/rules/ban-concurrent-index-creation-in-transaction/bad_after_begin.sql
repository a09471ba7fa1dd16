-- pgsafe:no-transaction
-- expect: ban-concurrent-index-creation-in-transaction
-- expect: ban-concurrent-index-creation-in-transaction
BEGIN;
REINDEX INDEX CONCURRENTLY orders_customer_id_idx;
ALTER TABLE measurements DETACH PARTITION measurements_2019 CONCURRENTLY;
COMMIT;
