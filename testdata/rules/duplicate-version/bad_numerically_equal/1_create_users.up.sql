-- expect: duplicate-version
CREATE TABLE users (id bigint);
