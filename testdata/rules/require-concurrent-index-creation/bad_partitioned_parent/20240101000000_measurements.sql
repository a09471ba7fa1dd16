-- expect: none
CREATE TABLE measurements (id bigint, at timestamptz) PARTITION BY RANGE (at);
