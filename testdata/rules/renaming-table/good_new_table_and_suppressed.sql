-- expect: none
CREATE TABLE tmp_import (id bigint);
ALTER TABLE tmp_import RENAME TO imports;

-- pgsafe-ignore renaming-table: internal table, only the worker uses it and it ships with this release
ALTER TABLE job_queue RENAME TO jobs;
-- Renaming an index does not break queries.
ALTER INDEX users_email_idx RENAME TO users_email_key;
