-- expect: none
-- pgsafe-ignore-file mixed-schema-and-data: the backfill must be atomic with the column (tiny table)
ALTER TABLE plans ADD COLUMN tier text;
UPDATE plans SET tier = 'basic';
