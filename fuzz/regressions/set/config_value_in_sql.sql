--@config
[rules.require-lock-timeout]
value = "2s'; DROP TABLE users; --"
--@
CREATE TABLE users (id bigint PRIMARY KEY);
--@
ALTER TABLE users ADD COLUMN email text;
