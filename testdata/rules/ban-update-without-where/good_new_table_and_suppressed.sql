-- expect: none
CREATE TABLE counters (name text, value bigint);
INSERT INTO counters VALUES ('a', 1);
UPDATE counters SET value = 0;

-- pgsafe-ignore ban-update-without-where: the table has one row per tenant (12 rows), all change
UPDATE tenant_settings SET theme = 'light';
