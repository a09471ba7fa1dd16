-- expect: none
ALTER TABLE orders ADD COLUMN note text;
CREATE TABLE tickets (id bigint PRIMARY KEY);
ALTER TABLE tickets ADD COLUMN note text;
ALTER TABLE orders ADD COLUMN note2 text;
CREATE INDEX ON customers (name);
