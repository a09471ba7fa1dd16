-- expect: prefer-bigint-over-int
-- expect: prefer-bigint-over-int
-- expect: prefer-bigint-over-int
-- expect: prefer-bigint-over-int
-- expect: prefer-bigint-over-int
-- int, integer, int4 and arrays of them; CREATE TABLE, ADD COLUMN and ALTER COLUMN TYPE.
CREATE TABLE billing."Invoices" (id int PRIMARY KEY, "Attempts" integer, tags int4[]);
ALTER TABLE billing."Invoices" ADD COLUMN retries INTEGER;
ALTER TABLE billing."Invoices" ALTER COLUMN id TYPE pg_catalog.int4;
