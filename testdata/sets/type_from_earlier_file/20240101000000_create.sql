-- expect: none
-- select: changing-column-type
CREATE DOMAIN short_code AS varchar(20);
CREATE TYPE status AS ENUM ('draft', 'sent');
CREATE TABLE invoices (id int PRIMARY KEY, code short_code, amount numeric(10,2), state status, ref varchar(30));
