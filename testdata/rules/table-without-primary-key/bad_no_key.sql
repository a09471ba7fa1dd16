-- expect: table-without-primary-key
-- expect: table-without-primary-key
-- expect: table-without-primary-key
CREATE TABLE audit_log (at timestamptz NOT NULL, message text);
CREATE TABLE emails (address text UNIQUE NOT NULL);
CREATE TABLE measurements (at timestamptz NOT NULL, v float8) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
