-- expect: none
-- The index on a table created two lines above is free (squawk#349).
CREATE TABLE tickets (id bigint PRIMARY KEY, owner_id bigint);
CREATE INDEX tickets_owner_id_idx ON tickets (owner_id);
