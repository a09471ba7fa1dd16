-- expect: mixed-schema-and-data
CREATE TABLE reminders (id bigint PRIMARY KEY, invoice_id bigint);
DO $$
BEGIN
  UPDATE invoices SET reminded = false WHERE reminded IS NULL;
END
$$;
