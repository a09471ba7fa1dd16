-- expect: changing-column-type
-- expect: duplicate-index
-- The renamed column keeps its type: varchar(50) -> varchar(20) narrows.
ALTER TABLE accounts ALTER COLUMN username TYPE varchar(20);
-- The renamed index still covers the renamed foreign key column.
CREATE INDEX posts_account_lookup ON posts (account_id);
-- The renamed table keeps its RLS state: turning it off is reported.
ALTER TABLE accounts DISABLE ROW LEVEL SECURITY;
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
