-- expect: none
-- select: require-table-schema
CREATE TABLE billing.invoices (id bigint PRIMARY KEY);
CREATE TABLE "Billing"."Payments" (id bigint);
CREATE TEMP TABLE scratch (id bigint);
CREATE TABLE billing.invoices_copy AS SELECT * FROM billing.invoices;
