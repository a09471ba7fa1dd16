-- expect: none
DROP TABLE users;
