-- expect: none
CREATE SCHEMA scratch;
CREATE TABLE scratch.t (id int);
DROP SCHEMA scratch CASCADE;

-- pgsafe-ignore ban-drop-schema: emptied by migration 20240101000000, kept nothing
DROP SCHEMA old_reporting;
