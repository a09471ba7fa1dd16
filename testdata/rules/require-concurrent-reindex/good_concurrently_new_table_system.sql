-- pgsafe:no-transaction
-- expect: none
REINDEX INDEX CONCURRENTLY orders_customer_id_idx;
REINDEX (CONCURRENTLY) TABLE orders;
REINDEX SYSTEM;
CREATE TABLE tickets (id bigint PRIMARY KEY);
REINDEX TABLE tickets;
