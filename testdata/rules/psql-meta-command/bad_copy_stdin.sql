-- expect: psql-meta-command
-- select: psql-meta-command, syntax-error
-- \copy runs in the client: through libpq it is a syntax error.
\copy invoices FROM 'invoices.csv' WITH (FORMAT csv);
