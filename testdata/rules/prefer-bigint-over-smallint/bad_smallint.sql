-- expect: prefer-bigint-over-smallint
-- expect: prefer-bigint-over-smallint
-- expect: prefer-bigint-over-smallint
CREATE TABLE products (id bigint PRIMARY KEY, stock smallint, shelf int2);
ALTER TABLE products ALTER COLUMN stock TYPE SMALLINT;
