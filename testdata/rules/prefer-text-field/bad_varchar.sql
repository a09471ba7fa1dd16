-- expect: prefer-text-field
-- expect: prefer-text-field
-- expect: prefer-text-field
CREATE TABLE users (email varchar(255) NOT NULL, name character varying(100));
ALTER TABLE users ADD COLUMN nickname VARCHAR(20);
