-- config: pg_version = 13
-- expect: none
ALTER TABLE measurements DETACH PARTITION measurements_2019;
