-- expect: mixed-schema-and-data
-- CREATE TABLE ... AS is a schema change; a SELECT whose WITH clause deletes rows is a data change.
CREATE TABLE invoices_archive AS SELECT * FROM invoices WHERE paid;
WITH gone AS (DELETE FROM invoices WHERE paid RETURNING id) SELECT count(*) FROM gone;
SELECT * INTO invoices_backup FROM invoices;
