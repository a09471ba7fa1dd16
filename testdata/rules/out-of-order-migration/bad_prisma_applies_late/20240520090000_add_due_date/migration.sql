-- expect: out-of-order-migration
-- Prisma applies it late (a warning): after 20240601120000 here, before it on a fresh database.
ALTER TABLE orders ADD COLUMN due_date date;
