-- expect: none
-- The index for author_id arrives a file later: that foreign key is served.
-- editor_id never gets one, so its finding stays on the first file.
CREATE INDEX CONCURRENTLY books_author_id_idx ON books (author_id);
