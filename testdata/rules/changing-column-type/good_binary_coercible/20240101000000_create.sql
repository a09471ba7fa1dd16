-- expect: none
CREATE TABLE accounts (
  id int PRIMARY KEY,
  handle varchar(50),
  title varchar(20),
  price numeric(10,2),
  net cidr,
  at timestamp(3)
);
