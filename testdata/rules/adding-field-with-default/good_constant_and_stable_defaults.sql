-- expect: none
-- Not a rewrite from PostgreSQL 11 (the peers' #388/#390): constants, casts of constants, stable functions.
ALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false;
ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE orders ADD COLUMN updated_at timestamptz DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE orders ADD COLUMN meta jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE orders ADD COLUMN tags text[] DEFAULT ARRAY[]::text[];
ALTER TABLE orders ADD COLUMN day date DEFAULT (now() AT TIME ZONE 'utc')::date;
ALTER TABLE orders ADD COLUMN label text DEFAULT lower('NEW') || '-' || 1;
ALTER TABLE orders ADD COLUMN amount numeric(10, 2) DEFAULT -1.5;
ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();
