-- expect: none
-- Other leading comments may come first; the keyword is case-insensitive.
-- Intent: reminders need a due date per invoice (BILL-1432)
ALTER TABLE invoices ADD COLUMN due_date date;
