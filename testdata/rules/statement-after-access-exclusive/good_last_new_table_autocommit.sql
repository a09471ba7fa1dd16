-- expect: none
UPDATE settings SET value = 'on' WHERE key = 'notes';
CREATE TABLE tickets (id bigint PRIMARY KEY);
ALTER TABLE tickets ADD COLUMN note text;
INSERT INTO tickets (id) VALUES (1);
ALTER TABLE orders ADD COLUMN note text;
SET lock_timeout = '2s';
