-- expect: none
-- text, varchar without a limit, and char(n) (ban-char-field's) are not reported.
CREATE TABLE users (email text NOT NULL CHECK (char_length(email) <= 255), note varchar, code char(2));
