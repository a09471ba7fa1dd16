-- expect: none
-- A VIRTUAL generated column (PostgreSQL 18's default kind) is computed on read: nothing is rewritten.
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * price_cents) VIRTUAL;
ALTER TABLE orders ADD COLUMN total_eur numeric GENERATED ALWAYS AS (quantity * price_cents / 100.0);
