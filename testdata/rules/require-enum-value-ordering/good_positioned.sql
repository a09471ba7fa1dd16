-- expect: none
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'delivered';
ALTER TYPE order_status ADD VALUE 'draft' BEFORE 'new';
ALTER TYPE order_status RENAME VALUE 'paid' TO 'settled';
