-- expect: none
-- select: unused-ignore, ban-drop-table
-- pgsafe-ignore ban-drop-table: legacy_sessions unused since v2.3 and backed up
DROP TABLE legacy_sessions;

-- Inside a DO block, the ignore before the block covers the statements in it.
-- pgsafe-ignore ban-drop-table: old_events replaced by events_v2 in release 7
DO $$
BEGIN
  DROP TABLE old_events;
END
$$;

-- renaming-table is not running in this invocation (--select): not judged.
-- pgsafe-ignore renaming-table: the view below keeps the old name
ALTER TABLE customers RENAME TO accounts;
