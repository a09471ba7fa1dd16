-- expect: none
CREATE TABLE drafts (id bigint, title text NOT NULL);
ALTER TABLE drafts ALTER COLUMN title DROP NOT NULL;
-- Adding NOT NULL or dropping a default is another matter.
ALTER TABLE orders ALTER COLUMN note DROP DEFAULT;

-- pgsafe-ignore ban-drop-not-null: readers treat shipped_at as optional since release 12
ALTER TABLE orders ALTER COLUMN shipped_at DROP NOT NULL;
