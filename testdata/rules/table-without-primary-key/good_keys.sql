-- expect: none
CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, message text);
CREATE TABLE tags (name text);
ALTER TABLE tags ADD PRIMARY KEY (name);
CREATE TABLE events (id bigint, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- Copied from a table pgsafe cannot see: whether a key came along is unknown.
CREATE TABLE archive_orders (LIKE legacy.orders INCLUDING ALL);
