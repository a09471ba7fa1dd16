-- expect: none
-- config: layout = "flyway"
-- filename: sql/V1.2__Add_people.sql
CREATE TABLE people (id bigint);
