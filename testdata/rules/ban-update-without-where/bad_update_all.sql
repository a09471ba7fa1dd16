-- expect: ban-update-without-where
-- expect: ban-update-without-where
-- expect: ban-update-without-where
-- expect: ban-update-without-where
UPDATE accounts SET plan = 'free';
UPDATE billing."Invoices" SET currency = 'EUR' RETURNING id;
-- FROM without a WHERE has no join condition: every row is overwritten.
UPDATE orders SET region = r.name FROM regions r;
UPDATE users SET active = false WHERE 'yes'::boolean;
