-- expect: none
ALTER TABLE users DROP COLUMN email;
