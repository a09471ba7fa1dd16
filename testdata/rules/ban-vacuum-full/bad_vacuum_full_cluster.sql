-- expect: ban-vacuum-full
-- expect: ban-vacuum-full
-- expect: ban-vacuum-full
-- pgsafe:no-transaction
VACUUM FULL orders;
VACUUM (FULL, ANALYZE) shop.customers;
CLUSTER orders USING orders_pkey;
