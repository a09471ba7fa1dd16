DO $outer$
BEGIN
  DO $inner$
  BEGIN
    DROP TABLE users;
    EXECUTE 'ALTER TABLE accounts DROP COLUMN email';
  END
  $inner$;
END
$outer$;
