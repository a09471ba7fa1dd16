-- expect: require-concurrent-index-deletion
-- expect: require-concurrent-index-deletion
DROP INDEX shop.orders_created_at_idx;
DROP INDEX a_idx, b_idx CASCADE;
