-- expect: none
-- Catalog-only statements after the lock finish at once.
ALTER TABLE orders ADD COLUMN note text;
COMMENT ON COLUMN orders.note IS 'free text';
CREATE OR REPLACE FUNCTION note_length(o orders) RETURNS int LANGUAGE sql AS $$ SELECT length(o.note) $$;
SELECT 1;
