-- expect: ban-create-domain-with-constraint
CREATE DOMAIN email AS text NOT NULL CHECK (VALUE ~ '^[^@]+@[^@]+$');
