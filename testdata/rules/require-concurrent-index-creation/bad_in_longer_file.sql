-- expect: require-concurrent-index-creation
-- expect: require-concurrent-index-creation
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (lower(email));
CREATE INDEX ON shop.orders USING brin (created_at);
