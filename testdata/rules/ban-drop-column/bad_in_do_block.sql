-- expect: ban-drop-column
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE column_name = 'fax') THEN
    ALTER TABLE public.contacts DROP COLUMN fax;
  END IF;
END
$$;
