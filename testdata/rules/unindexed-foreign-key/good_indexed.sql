-- expect: none
CREATE TABLE authors (id bigint PRIMARY KEY);
CREATE TABLE books (id bigint PRIMARY KEY, author_id bigint REFERENCES authors (id), isbn text);
CREATE INDEX books_author_id_idx ON books (author_id, isbn);
-- The primary key's leading column serves the foreign key.
CREATE TABLE book_tags (book_id bigint REFERENCES books (id), tag text, PRIMARY KEY (book_id, tag));
-- So does a unique constraint.
CREATE TABLE covers (id int PRIMARY KEY, book_id bigint UNIQUE REFERENCES books (id));
-- A foreign key on a table from outside the set: its indexes are unknown.
ALTER TABLE legacy.orders ADD CONSTRAINT orders_book_fk FOREIGN KEY (book_id) REFERENCES books (id);
