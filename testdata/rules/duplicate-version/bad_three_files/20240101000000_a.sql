-- expect: none
CREATE TABLE a (id bigint);
