-- expect: none
UPDATE accounts SET plan = 'free' WHERE trial_ends_at < now();
UPDATE orders o SET region = r.name FROM regions r WHERE r.id = o.region_id;
WITH touched AS (UPDATE products SET price = price * 1.1 WHERE category = 'books' RETURNING id)
SELECT count(*) FROM touched;
-- Backfill in batches.
UPDATE users SET email_lower = lower(email)
WHERE id IN (SELECT id FROM users WHERE email_lower IS NULL LIMIT 5000);
