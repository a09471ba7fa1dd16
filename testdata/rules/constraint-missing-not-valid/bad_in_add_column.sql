-- expect: constraint-missing-not-valid
-- expect: constraint-missing-not-valid
ALTER TABLE orders ADD COLUMN rating int CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE orders ADD COLUMN region_id bigint REFERENCES regions (id);
