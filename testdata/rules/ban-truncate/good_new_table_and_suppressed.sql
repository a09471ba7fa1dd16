-- expect: none
CREATE TABLE import_buffer (line text);
INSERT INTO import_buffer VALUES ('a'), ('b');
TRUNCATE import_buffer;

-- pgsafe-ignore ban-truncate: rebuildable cache, refilled by the nightly job
TRUNCATE cache.page_views;
