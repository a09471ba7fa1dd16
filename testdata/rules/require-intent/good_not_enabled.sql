-- expect: none
-- select: ban-drop-table
-- Off by default: without being selected or configured it reports nothing.
ALTER TABLE invoices ADD COLUMN due_date date;
