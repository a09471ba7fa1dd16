-- expect: adding-field-with-default
-- expect: adding-field-with-default
ALTER TABLE orders ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE billing.invoices ADD COLUMN code text DEFAULT billing.next_code();
