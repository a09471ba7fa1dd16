-- expect: none
-- A statement that does not parse is content, not emptiness (syntax-error reports it).
ALTR TABLE invoices ADD COLUMN due_date date;
