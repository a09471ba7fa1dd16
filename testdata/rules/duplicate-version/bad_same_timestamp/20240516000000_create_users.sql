-- expect: none
CREATE TABLE users (id bigint);
