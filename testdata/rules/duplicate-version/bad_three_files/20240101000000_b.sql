-- expect: duplicate-version
CREATE TABLE b (id bigint);
