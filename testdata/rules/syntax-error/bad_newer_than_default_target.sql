-- expect: syntax-error
-- No pg_version configured: PostgreSQL 18 syntax is info, with how to state the server's version.
ALTER TABLE orders ADD CONSTRAINT orders_customer_not_null NOT NULL customer_id;
