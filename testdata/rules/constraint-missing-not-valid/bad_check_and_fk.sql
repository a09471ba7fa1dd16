-- expect: constraint-missing-not-valid
-- expect: constraint-missing-not-valid
-- expect: constraint-missing-not-valid
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;
ALTER TABLE orders ADD CHECK (discount <= total);
