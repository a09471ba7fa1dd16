-- expect: none
-- "char" (quoted) is PostgreSQL's one-byte internal type, not char(n).
CREATE TABLE countries (code text PRIMARY KEY, kind "char", name varchar(20));
