-- expect: unused-ignore
-- expect: unused-ignore
-- expect: ban-drop-table
-- select: unused-ignore, ban-drop-table
-- No reason: the ignore does not count, the finding stays.
-- pgsafe-ignore ban-drop-table
DROP TABLE old_sessions;

-- pgsafe-ignore: no rule named here
ALTER TABLE users ADD COLUMN nickname text;
