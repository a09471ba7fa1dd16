-- expect: none
-- No database and no git history: nothing is known to be committed, so nothing is guessed.
CREATE TABLE invoices (id bigint PRIMARY KEY);
