-- expect: none
-- select: changing-column-type
CREATE TYPE status AS ENUM ('draft', 'sent');
CREATE TYPE kind AS ENUM ('a', 'b');
CREATE TABLE invoices (id bigint PRIMARY KEY, status status NOT NULL, kind kind NOT NULL);
