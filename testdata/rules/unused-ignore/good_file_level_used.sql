-- expect: none
-- select: unused-ignore, ban-drop-table
-- pgsafe-ignore-file ban-drop-table: this migration removes the legacy tables, all archived
DROP TABLE legacy_a;
DROP TABLE legacy_b;
