-- expect: syntax-error
-- A DO body pgsafe cannot read is reported (a warning): its DROP TABLE is never checked.
DO $$
BEGIN
  DROP TABLE legacy_events
END
$$;
