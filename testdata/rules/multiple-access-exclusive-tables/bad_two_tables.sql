-- expect: multiple-access-exclusive-tables
ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE orders ADD COLUMN note2 text;
ALTER TABLE customers ADD COLUMN note text;
