-- expect: statement-after-access-exclusive
ALTER TABLE orders ADD COLUMN note text;
UPDATE settings SET value = 'on' WHERE key = 'notes';
CREATE INDEX CONCURRENTLY IF NOT EXISTS never_mind ON settings (key);
