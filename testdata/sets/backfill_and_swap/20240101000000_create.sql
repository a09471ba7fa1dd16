-- expect: none
-- select: ban-update-without-where, ban-drop-column, ban-drop-table, adding-required-field, adding-not-nullable-field
CREATE TABLE accounts (id bigint PRIMARY KEY, plan text);
CREATE TABLE stats (account_id bigint, posts int);
CREATE TABLE sessions (id bigint PRIMARY KEY);
