-- expect: none
CREATE TABLE tickets (id bigint PRIMARY KEY);
ALTER TABLE tickets ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
ALTER TABLE tickets ADD COLUMN n bigserial;
