-- expect: ban-truncate
DO $$
BEGIN
  TRUNCATE cache.page_views;
END
$$;
