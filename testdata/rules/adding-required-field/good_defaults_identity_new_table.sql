-- expect: none
ALTER TABLE orders ADD COLUMN currency text NOT NULL DEFAULT 'EUR';
ALTER TABLE orders ADD COLUMN n bigint NOT NULL GENERATED ALWAYS AS IDENTITY;
ALTER TABLE orders ADD COLUMN legacy bigserial NOT NULL;
ALTER TABLE orders ADD COLUMN note text;
CREATE TABLE tickets (id bigint PRIMARY KEY);
ALTER TABLE tickets ADD COLUMN owner text NOT NULL;
