-- expect: ban-delete-without-where
-- expect: ban-delete-without-where
-- expect: ban-delete-without-where
-- expect: ban-delete-without-where
DELETE FROM sessions;
DELETE FROM ONLY billing."InvoiceLines" RETURNING id;
-- USING without a WHERE joins nothing: every row goes.
DELETE FROM orders USING customers;
-- A condition that is always true is no condition.
DELETE FROM audit.events WHERE 1 = 1;
