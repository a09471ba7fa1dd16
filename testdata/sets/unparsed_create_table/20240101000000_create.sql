-- expect: syntax-error
-- select: syntax-error, ban-drop-column, require-concurrent-index-creation
-- The CREATE TABLE fails to parse, but it plainly creates reports: the statements after it
-- work on a new table, not an existing one.
CREATE TABLE reports (id bigint PRIMARY KEY, body text,);
CREATE INDEX reports_body_idx ON reports (body);
ALTER TABLE reports DROP COLUMN body;
