-- expect: syntax-error
CREATE TABLE notes (id bigint PRIMARY KEY, body text);
INSERT INTO notes (id, body) VALUES (1, 'it''s unterminated);
