-- filename: prisma/migrations/20240528214728_add_index_01/migration.sql
-- expect: none
-- select: duplicate-version, ban-drop-table
-- Prisma keys migrations by the whole folder name: both folders apply, in name order.
CREATE TABLE a (id bigint PRIMARY KEY);
