-- expect: none
-- Binary coercible or a relaxed limit: only the catalog changes.
ALTER TABLE accounts ALTER COLUMN handle TYPE varchar(200);
ALTER TABLE accounts ALTER COLUMN title TYPE text;
ALTER TABLE accounts ALTER COLUMN price TYPE numeric(14,2);
ALTER TABLE accounts ALTER COLUMN net TYPE inet;
ALTER TABLE accounts ALTER COLUMN at TYPE timestamp(6);
-- A table created in this same file holds no rows yet.
CREATE TABLE drafts (id int);
ALTER TABLE drafts ALTER COLUMN id TYPE bigint;
