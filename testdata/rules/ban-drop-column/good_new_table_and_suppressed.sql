-- expect: none
-- Columns of a table created in this same migration hold nobody's data yet.
CREATE TABLE staging.imports (id bigint, raw jsonb, checksum text);
ALTER TABLE staging.imports DROP COLUMN checksum;

-- pgsafe-ignore ban-drop-column: unused since release 41, values archived in audit.user_fax
ALTER TABLE users DROP COLUMN fax;
