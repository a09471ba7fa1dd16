-- expect: none
-- The domain's base type (varchar(20)) is known from the earlier file: widening it is free.
ALTER TABLE invoices ALTER COLUMN code TYPE varchar(40);
ALTER TABLE invoices ALTER COLUMN amount TYPE numeric(12,2);
