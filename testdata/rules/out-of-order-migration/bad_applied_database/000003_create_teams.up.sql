-- applied: app
-- expect: none
CREATE TABLE teams (id bigint PRIMARY KEY);
