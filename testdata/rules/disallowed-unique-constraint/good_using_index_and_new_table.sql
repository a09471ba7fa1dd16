-- expect: none
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
CREATE TABLE tickets (id bigint PRIMARY KEY, code text);
ALTER TABLE tickets ADD CONSTRAINT tickets_code_key UNIQUE (code);
