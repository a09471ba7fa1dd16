-- expect: ban-drop-schema
-- expect: ban-drop-schema
-- expect: ban-drop-schema
DROP SCHEMA reporting CASCADE;
DROP SCHEMA IF EXISTS legacy, "Archive";
