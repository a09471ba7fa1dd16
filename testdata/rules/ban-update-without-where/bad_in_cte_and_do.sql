-- expect: ban-update-without-where
-- expect: ban-update-without-where
WITH touched AS (
  UPDATE products SET price = price * 1.1 RETURNING id
)
SELECT count(*) FROM touched;
DO $$
BEGIN
  UPDATE settings SET value = 'off';
END
$$;
