-- expect: duplicate-version
CREATE TABLE c (id bigint);
