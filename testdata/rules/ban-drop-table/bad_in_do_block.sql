-- expect: ban-drop-table
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'old_events') THEN
    DROP TABLE old_events;
  END IF;
END
$$;
