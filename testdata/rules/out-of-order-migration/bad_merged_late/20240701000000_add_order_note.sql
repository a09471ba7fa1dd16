-- expect: none
-- New and newer than everything on main: in order.
ALTER TABLE orders ADD COLUMN note text;
