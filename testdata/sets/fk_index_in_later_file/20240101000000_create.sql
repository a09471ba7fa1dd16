-- expect: unindexed-foreign-key
-- select: unindexed-foreign-key, table-without-primary-key
CREATE TABLE authors (id bigint PRIMARY KEY);
CREATE TABLE books (
  id bigint PRIMARY KEY,
  author_id bigint REFERENCES authors (id),
  editor_id bigint REFERENCES authors (id)
);
