-- expect: disallowed-unique-constraint
-- expect: disallowed-unique-constraint
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
ALTER TABLE users ADD COLUMN handle text UNIQUE;
