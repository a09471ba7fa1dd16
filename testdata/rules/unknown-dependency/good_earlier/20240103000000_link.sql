-- expect: none
-- By version (numerically: leading zeros do not matter), by file name, on several lines.
-- depends-on: 20240101000000
-- depends-on: 20240102000000_create_invoices, 20240101000000_create_customers.sql
ALTER TABLE invoices ADD CONSTRAINT invoices_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
