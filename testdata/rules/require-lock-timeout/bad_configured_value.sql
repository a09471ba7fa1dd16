-- config: [rules.require-lock-timeout]
-- config: severity = "warning"
-- config: value = "1500 ms"
-- expect: require-lock-timeout
-- The configured value (a PostgreSQL duration, checked when the config is read) is what the fix
-- sets, written as a quoted literal.
ALTER TABLE orders ADD COLUMN note text;
