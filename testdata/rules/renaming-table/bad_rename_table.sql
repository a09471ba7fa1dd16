-- expect: renaming-table
-- expect: renaming-table
-- expect: renaming-table
ALTER TABLE customers RENAME TO accounts;
ALTER TABLE IF EXISTS billing."Invoice" RENAME TO invoices;
ALTER TABLE public.events SET SCHEMA archive;
