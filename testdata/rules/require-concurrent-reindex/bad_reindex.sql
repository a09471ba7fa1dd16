-- expect: require-concurrent-reindex
REINDEX INDEX orders_customer_id_idx;
