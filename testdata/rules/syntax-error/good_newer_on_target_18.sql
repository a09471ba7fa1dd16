-- expect: none
-- config: pg_version = 18
ALTER TABLE orders ADD COLUMN total bigint GENERATED ALWAYS AS (qty * price);
ALTER TABLE orders ALTER COLUMN total SET EXPRESSION AS (qty * price * 2);
ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT ENFORCED;
ALTER TABLE orders ADD CONSTRAINT orders_customer_not_null NOT NULL customer_id NOT VALID;
CREATE TABLE bookings (room int, during tstzrange, PRIMARY KEY (room, during WITHOUT OVERLAPS));
MERGE INTO orders o USING incoming i ON o.id = i.id WHEN MATCHED THEN UPDATE SET qty = i.qty RETURNING o.id;
