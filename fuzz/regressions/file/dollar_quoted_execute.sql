DO $$
BEGIN
  EXECUTE $q$DROP TABLE users$q$;
  EXECUTE 'DROP TABLE ' || 'accounts';
  EXECUTE format($f$ALTER TABLE %I DROP COLUMN %I$f$, 'orders', 'total');
  PERFORM 1;
END
$$;
