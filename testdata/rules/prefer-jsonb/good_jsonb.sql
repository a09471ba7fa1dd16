-- expect: none
CREATE TABLE webhooks (id bigint PRIMARY KEY, payload jsonb NOT NULL);
-- pgsafe-ignore prefer-jsonb: the signature is computed over the exact body text
ALTER TABLE webhooks ADD COLUMN raw_body json;
