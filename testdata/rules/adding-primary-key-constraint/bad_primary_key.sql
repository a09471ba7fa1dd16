-- expect: adding-primary-key-constraint
-- expect: adding-primary-key-constraint
ALTER TABLE events ADD PRIMARY KEY (id);
ALTER TABLE audit ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
