-- expect: multiple-access-exclusive-tables
-- One finding for the transaction, at the statement that locks a second table, naming all four.
ALTER TABLE orders RENAME COLUMN a TO b;
ALTER TABLE customers RENAME COLUMN a TO b;
ALTER TABLE orders RENAME COLUMN c TO d;
ALTER TABLE invoices RENAME COLUMN a TO b;
ALTER TABLE payments RENAME COLUMN a TO b;
