-- expect: none
-- select: ban-drop-table, ban-drop-column, renaming-column, require-concurrent-index-deletion, changing-column-type, ban-update-without-where, ban-drop-not-null
CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, plan text, code varchar(20));
