-- expect: none
ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%') NOT VALID;
CREATE DOMAIN code AS text;
ALTER DOMAIN code ADD CONSTRAINT code_short CHECK (length(VALUE) < 10);
ALTER DOMAIN email DROP CONSTRAINT email_has_at;
