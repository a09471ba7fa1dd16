-- expect: none
-- Seeding a table created in the same file is part of creating it.
CREATE TABLE invoice_statuses (code text PRIMARY KEY, label text NOT NULL);
INSERT INTO invoice_statuses (code, label) VALUES ('draft', 'Draft'), ('sent', 'Sent');
CREATE TABLE public.currencies (code text PRIMARY KEY);
COPY currencies (code) FROM '/dev/null';
