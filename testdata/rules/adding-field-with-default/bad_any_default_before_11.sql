-- config: pg_version = 10
-- expect: adding-field-with-default
-- expect: adding-field-with-default
ALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false;
ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT now();
-- DEFAULT NULL is no default at all
ALTER TABLE orders ADD COLUMN note text DEFAULT NULL;
