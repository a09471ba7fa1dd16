-- expect: changing-column-type
-- expect: changing-column-type
-- expect: changing-column-type
-- code is varchar(40) now (from the second file): narrowing it can fail.
ALTER TABLE invoices ALTER COLUMN code TYPE varchar(10);
-- The enum from the first file becomes text: a rewrite.
ALTER TABLE invoices ALTER COLUMN state TYPE text;
-- int -> bigint: a rewrite.
ALTER TABLE invoices ALTER COLUMN id TYPE bigint;
-- ref varchar(30) -> text is free.
ALTER TABLE invoices ALTER COLUMN ref TYPE text;
