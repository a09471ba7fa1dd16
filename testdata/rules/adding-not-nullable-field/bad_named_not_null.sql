-- expect: adding-not-nullable-field
-- PostgreSQL 18's named NOT NULL constraint scans the table like SET NOT NULL.
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null NOT NULL customer_id;
