-- expect: changing-column-type
-- expect: changing-column-type
-- status: the new type keeps every label (a rewrite, warning); kind: 'b' is gone (can fail, error).
ALTER TYPE status RENAME TO status_old;
CREATE TYPE status AS ENUM ('draft', 'sent', 'paid');
ALTER TABLE invoices ALTER COLUMN status TYPE status USING status::text::status;
DROP TYPE status_old;
CREATE TYPE kind2 AS ENUM ('a', 'c');
ALTER TABLE invoices ALTER COLUMN kind TYPE kind2 USING kind::text::kind2;
