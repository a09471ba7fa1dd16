-- expect: none
ALTER TABLE accounts ADD COLUMN region text NOT NULL DEFAULT 'eu';
ALTER TABLE accounts ALTER COLUMN region DROP NOT NULL;
