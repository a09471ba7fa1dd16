-- expect: require-table-schema
-- expect: require-table-schema
-- expect: require-table-schema
CREATE TABLE invoices (id bigint PRIMARY KEY);
CREATE UNLOGGED TABLE "Import Rows" (line text);
CREATE TABLE invoices_copy AS SELECT * FROM billing.invoices;
