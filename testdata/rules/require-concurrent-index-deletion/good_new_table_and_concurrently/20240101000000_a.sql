-- expect: none
CREATE TABLE tickets (id bigint PRIMARY KEY, owner_id bigint);
CREATE INDEX tickets_owner_id_idx ON tickets (owner_id);
DROP INDEX tickets_owner_id_idx;
