-- expect: none
-- select: psql-meta-command, syntax-error
-- Backslashes inside literals and comments are not meta-commands: \i is just text here.
INSERT INTO paths (p) VALUES (E'C:\\temp'), ('\i not a command');
CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$
SELECT '\set x'
$$;
