-- expect: identifier-too-long
-- expect: identifier-too-long
-- expect: identifier-too-long
-- expect: identifier-too-long
-- expect: identifier-too-long
-- expect: identifier-too-long
-- expect: identifier-too-long
-- Tables, columns (the limit is in bytes: 33 letters can be 65 bytes), constraints, indexes,
-- schemas, functions and renames. The finding shows the name PostgreSQL keeps.
CREATE TABLE billing.customer_subscription_invoice_line_items_with_discounts_and_taxes_v2 (id bigint PRIMARY KEY, "ééééééééééééééééééééééééééééééééx" text);
ALTER TABLE invoices ADD CONSTRAINT invoices_customer_id_references_customers_id_not_valid_yet_fk_1_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
CREATE INDEX invoices_customer_id_and_issued_on_and_due_date_and_status_partial_idx ON invoices (customer_id);
CREATE SCHEMA reporting_for_the_finance_department_and_external_auditors_and_tax_office;
CREATE FUNCTION compute_invoice_totals_including_discounts_taxes_and_rounding_rules() RETURNS void LANGUAGE sql AS $$ SELECT $$;
ALTER TABLE invoices RENAME COLUMN due_date TO payment_due_date_as_agreed_in_the_contract_with_the_customer_v2_final;
