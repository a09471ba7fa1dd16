-- expect: none
CREATE TABLE accounts (
  id int PRIMARY KEY,
  handle varchar(100),
  balance int,
  price numeric(10,2),
  seen_at timestamptz,
  note text
);
