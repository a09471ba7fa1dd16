-- expect: mixed-schema-and-data
-- The data change comes first: still one file mixing both.
INSERT INTO "Settings" (key, value) VALUES ('reminders', 'on');
CREATE INDEX settings_key_idx ON "Settings" (key);
