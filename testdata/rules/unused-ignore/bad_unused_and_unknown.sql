-- expect: unused-ignore
-- expect: unused-ignore
-- expect: unused-ignore
-- expect: ban-drop-table
-- select: unused-ignore, ban-drop-table, ban-truncate
-- pgsafe-ignore ban-drop-table: scratch table, safe to drop
ALTER TABLE users ADD COLUMN nickname text;

-- pgsafe-ignore ban-drop-tabel: typo in the rule id, so the drop below is still reported
DROP TABLE old_sessions;

-- pgsafe-ignore ban-drop-table, ban-truncate: only the first one is needed
DROP TABLE old_tokens;
