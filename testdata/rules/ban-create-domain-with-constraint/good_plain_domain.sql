-- expect: none
CREATE DOMAIN email AS text;
CREATE DOMAIN code AS text NOT NULL;
