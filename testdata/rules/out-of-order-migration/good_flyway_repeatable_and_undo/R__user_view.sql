-- expect: none
-- A repeatable migration has no version: it runs whenever it changes.
CREATE OR REPLACE VIEW user_ids AS SELECT id FROM users;
