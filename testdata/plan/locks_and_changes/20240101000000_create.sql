CREATE TABLE users (id int PRIMARY KEY, email varchar(100), score int);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id int REFERENCES users (id), total numeric(10,2));
CREATE INDEX orders_user_id_idx ON orders (user_id);
