-- config: [rules.require-statement-timeout]
-- config: severity = "warning"
-- config: value = "1.5min"
-- expect: require-statement-timeout
-- The configured value (a PostgreSQL duration, checked when the config is read) is what the fix
-- sets, written as a quoted literal.
ALTER TABLE orders ADD COLUMN note text;
