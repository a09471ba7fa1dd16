-- expect: none
-- A down file follows its up file: not judged on its own.
ALTER TABLE users DROP COLUMN email;
