-- expect: ban-delete-without-where
-- expect: ban-delete-without-where
-- expect: ban-delete-without-where
WITH gone AS (
  DELETE FROM carts RETURNING id
)
INSERT INTO cart_archive (id) SELECT id FROM gone;
WITH stale AS (SELECT id FROM tokens WHERE expires_at < now())
DELETE FROM tokens WHERE true;
DO $$
BEGIN
  DELETE FROM notifications;
END
$$;
