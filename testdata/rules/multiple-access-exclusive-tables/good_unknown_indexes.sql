-- expect: none
-- Indexes the migration set does not know: their tables are unknown, not two more tables.
DROP INDEX orders_a_idx;
DROP INDEX orders_b_idx;
