-- expect: ban-drop-table
-- expect: ban-drop-table
-- expect: ban-drop-table
DROP TABLE invoices;
DROP TABLE IF EXISTS billing.payments, refunds CASCADE;
