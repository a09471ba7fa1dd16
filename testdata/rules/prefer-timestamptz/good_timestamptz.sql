-- expect: none
CREATE TABLE orders (placed_at timestamptz NOT NULL, shipped_at timestamp with time zone, due date, at_time time);
