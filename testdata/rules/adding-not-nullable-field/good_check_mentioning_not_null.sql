-- expect: none
-- A CHECK that merely says IS NOT NULL is not a NOT NULL change (postgres-language-server substring-matches it).
ALTER TABLE orders ADD CONSTRAINT orders_paid_has_date CHECK (status <> 'paid' OR paid_at IS NOT NULL) NOT VALID;
-- A table created in this file is free.
CREATE TABLE tickets (id bigint PRIMARY KEY, owner text);
ALTER TABLE tickets ALTER COLUMN owner SET NOT NULL;
