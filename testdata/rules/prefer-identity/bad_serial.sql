-- expect: prefer-identity
-- expect: prefer-identity
-- expect: prefer-identity
-- expect: prefer-identity
CREATE TABLE orders (id bigserial PRIMARY KEY, line serial4, pos smallserial);
DO $$
BEGIN
  ALTER TABLE "Order Lines" ADD COLUMN id serial;
END
$$;
