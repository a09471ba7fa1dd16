-- expect: constraint-missing-not-valid
-- The applier wraps this file: the VALIDATE runs under the ADD's lock.
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
