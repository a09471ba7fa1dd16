-- expect: prefer-jsonb
-- expect: prefer-jsonb
CREATE TABLE webhooks (id bigint PRIMARY KEY, payload json NOT NULL);
ALTER TABLE webhooks ALTER COLUMN payload TYPE JSON USING payload::json;
