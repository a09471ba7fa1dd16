-- expect: syntax-error
-- expect: syntax-error
-- expect: syntax-error
-- expect: syntax-error
-- config: pg_version = 16
-- Valid PostgreSQL 18, rejected by the PostgreSQL 16 server this project targets.
ALTER TABLE orders ADD COLUMN total bigint GENERATED ALWAYS AS (qty * price);
ALTER TABLE orders ALTER COLUMN total SET EXPRESSION AS (qty * price * 2);
ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT ENFORCED;
ALTER TABLE orders ADD CONSTRAINT orders_customer_not_null NOT NULL customer_id;
