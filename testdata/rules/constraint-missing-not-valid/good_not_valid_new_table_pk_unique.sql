-- expect: none
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
-- PRIMARY KEY and UNIQUE cannot be NOT VALID: never suggested here (squawk does).
ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);
ALTER TABLE orders ADD PRIMARY KEY (id);
CREATE TABLE tickets (id bigint PRIMARY KEY, order_id bigint, qty int);
ALTER TABLE tickets ADD CONSTRAINT tickets_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE tickets ADD CONSTRAINT tickets_qty CHECK (qty > 0);
