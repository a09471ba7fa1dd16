-- expect: none
-- pgsafe-ignore ban-drop-database: scratch copy for the load test, dumped to backups/loadtest.dump
DROP DATABASE loadtest_scratch;
CREATE DATABASE loadtest_scratch;
-- A database created earlier in the same file holds nothing of value yet.
CREATE DATABASE tmp_restore_check;
DROP DATABASE tmp_restore_check;
