-- expect: none
-- serial is prefer-identity's finding, not this rule's; a user type called "int" in a schema is not int4.
CREATE TABLE invoices (id bigint PRIMARY KEY, legacy serial, amount numeric(10, 2), code myapp.int);
-- pgsafe-ignore prefer-bigint-over-int: must match the integer key of the vendor's table
ALTER TABLE invoices ADD COLUMN vendor_id int;
