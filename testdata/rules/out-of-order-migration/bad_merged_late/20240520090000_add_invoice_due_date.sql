-- expect: out-of-order-migration
-- Written on a branch before 20240601120000 was merged: it sorts before it.
ALTER TABLE invoices ADD COLUMN due_date date;
