-- expect: none
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;
CREATE TABLE tickets (id bigint);
ALTER TABLE tickets ADD PRIMARY KEY (id);
