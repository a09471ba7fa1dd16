-- expect: unused-ignore
-- expect: unused-ignore
-- select: unused-ignore, ban-drop-table
-- pgsafe-ignore-file ban-drop-table: this migration removes the legacy tables
ALTER TABLE users ADD COLUMN nickname text;
-- pgsafe-ignore ban-drop-table: left behind after the DROP below was deleted
