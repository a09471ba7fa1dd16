-- expect: ban-drop-column
-- expect: ban-drop-column
-- expect: ban-drop-column
ALTER TABLE users DROP COLUMN legacy_password_hash;
ALTER TABLE IF EXISTS billing.invoices
  DROP COLUMN IF EXISTS "LegacyTotal",
  DROP COLUMN notes CASCADE;
