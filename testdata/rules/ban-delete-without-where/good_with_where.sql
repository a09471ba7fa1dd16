-- expect: none
DELETE FROM sessions WHERE expires_at < now() - interval '30 days';
DELETE FROM orders o USING customers c WHERE o.customer_id = c.id AND c.deleted;
WITH stale AS (SELECT id FROM tokens WHERE expires_at < now())
DELETE FROM tokens t WHERE t.id IN (SELECT id FROM stale);
WITH gone AS (DELETE FROM carts WHERE abandoned RETURNING id)
SELECT count(*) FROM gone;
DO $$
BEGIN
  DELETE FROM notifications WHERE read_at IS NOT NULL;
END
$$;
