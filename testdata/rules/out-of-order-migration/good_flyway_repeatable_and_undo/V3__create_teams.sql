-- committed: main
-- expect: none
CREATE TABLE teams (id bigint PRIMARY KEY);
