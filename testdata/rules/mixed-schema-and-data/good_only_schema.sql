-- expect: none
CREATE TABLE invoices_archive AS SELECT * FROM invoices WHERE paid;
ALTER TABLE invoices ADD COLUMN due_date date;
SELECT count(*) FROM invoices;
