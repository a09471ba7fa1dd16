-- expect: none
CREATE TABLE rooms (id bigint PRIMARY KEY, during tstzrange);
ALTER TABLE rooms ADD CONSTRAINT rooms_no_overlap EXCLUDE USING gist (id WITH =, during WITH &&);
