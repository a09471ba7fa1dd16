-- expect: none
-- An undo file follows its versioned migration.
DROP TABLE users;
