-- expect: unindexed-foreign-key
-- expect: unindexed-foreign-key
-- expect: unindexed-foreign-key
CREATE TABLE authors (id bigint PRIMARY KEY);
CREATE TABLE books (
  id bigint PRIMARY KEY,
  author_id bigint REFERENCES authors (id),
  editor_id bigint,
  CONSTRAINT books_editor_fk FOREIGN KEY (editor_id) REFERENCES authors (id)
);
-- Wrong order, and a partial index: neither serves the foreign key.
CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE refs (id int PRIMARY KEY, a int, b int, FOREIGN KEY (a, b) REFERENCES pairs (a, b));
CREATE INDEX refs_b_a ON refs (b, a);
CREATE INDEX refs_a_b_partial ON refs (a, b) WHERE a > 0;
CREATE INDEX books_editor_partial ON books (editor_id) WHERE editor_id IS NOT NULL;
