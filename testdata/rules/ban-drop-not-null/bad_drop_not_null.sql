-- expect: ban-drop-not-null
-- expect: ban-drop-not-null
-- expect: ban-drop-not-null
ALTER TABLE orders ALTER COLUMN shipped_at DROP NOT NULL;
ALTER TABLE IF EXISTS sales."Customers"
  ALTER COLUMN "VatId" DROP NOT NULL,
  ALTER email DROP NOT NULL;
