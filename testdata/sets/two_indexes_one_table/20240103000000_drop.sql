-- expect: multiple-access-exclusive-tables
-- Both indexes are on orders: one table. The finding names two tables, orders and customers.
DROP INDEX orders_a_idx;
DROP INDEX orders_b_idx;
ALTER TABLE customers DROP COLUMN note;
