-- pgsafe:no-transaction
-- expect: none
ALTER TABLE orders ADD COLUMN note text;
UPDATE settings SET value = 'on' WHERE key = 'notes';
