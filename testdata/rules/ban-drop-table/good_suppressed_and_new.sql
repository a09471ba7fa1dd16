-- expect: none
-- A table created in the same migration holds nobody's data yet.
CREATE TABLE scratch (id bigint);
DROP TABLE scratch;

-- pgsafe-ignore ban-drop-table: legacy_sessions has been unused since v2.3 and is backed up
DROP TABLE legacy_sessions;
