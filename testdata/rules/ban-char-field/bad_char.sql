-- expect: ban-char-field
-- expect: ban-char-field
-- expect: ban-char-field
CREATE TABLE countries (code char(2) PRIMARY KEY, flag character(4), kind CHAR);
