-- expect: ban-drop-column
-- Only columns added in this same file are exempt: this one existed before.
ALTER TABLE accounts ADD COLUMN scratch text;
ALTER TABLE accounts DROP COLUMN legacy_flag;
