-- expect: none
-- Exactly 63 bytes is fine; references to long names are not definitions.
CREATE TABLE aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (id bigint);
CREATE INDEX iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii ON t (id);
SELECT * FROM some_table_with_a_very_long_name_that_exceeds_the_limit_of_sixty_three_bytes;
