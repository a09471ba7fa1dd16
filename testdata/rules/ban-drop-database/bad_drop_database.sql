-- expect: ban-drop-database
-- expect: ban-drop-database
DROP DATABASE analytics;
DROP DATABASE IF EXISTS "Reporting" WITH (FORCE);
