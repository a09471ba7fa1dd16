-- expect: changing-column-type
-- expect: changing-column-type
-- expect: changing-column-type
-- expect: changing-column-type
-- expect: changing-column-type
-- expect: changing-column-type
-- expect: changing-column-type
-- Rewrite (warning): int -> bigint.
ALTER TABLE accounts ALTER COLUMN balance TYPE bigint;
-- Can fail or lose data (error): narrowing, scale decrease, timestamptz -> date, text -> int.
ALTER TABLE accounts ALTER COLUMN handle TYPE varchar(50);
ALTER TABLE accounts ALTER COLUMN price TYPE numeric(10,1);
ALTER TABLE accounts ALTER COLUMN seen_at TYPE date;
ALTER TABLE accounts ALTER COLUMN note TYPE integer USING note::integer;
-- A USING that drops information, even to a wider type.
ALTER TABLE accounts ALTER COLUMN note TYPE text USING left(note::text, 10);
-- Unknown old type (table from outside the set): warning.
ALTER TABLE legacy_orders ALTER COLUMN total TYPE numeric(12,2);
