CREATE TABLE café (id int);
SELECT 'À¯', 'í €';
SELECT 'â‚