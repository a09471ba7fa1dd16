-- expect: none
-- golang-migrate reads both 01 and 1 as the version number 1.
CREATE TABLE teams (id bigint);
