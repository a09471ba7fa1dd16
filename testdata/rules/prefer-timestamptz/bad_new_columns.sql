-- expect: prefer-timestamptz
-- expect: prefer-timestamptz
-- expect: prefer-timestamptz
-- expect: prefer-timestamptz
-- New columns: the fix (safe) rewrites the type in place.
CREATE TABLE orders (
  placed_at timestamp NOT NULL DEFAULT now(),
  shipped_at TIMESTAMP(3),
  "Archived At" timestamp without time zone,
  history timestamp[]
);
