-- applied: app
-- expect: none
CREATE TABLE users (id bigint PRIMARY KEY);
