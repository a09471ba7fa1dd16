-- The dev profile: enough data to click through the app. Generated rows can be added with
-- `pgsafe seed --generate 100`.
INSERT INTO accounts (name, slug, plan) VALUES
  ('Acme Corporation', 'acme', 'enterprise'),
  ('Globex', 'globex', 'pro'),
  ('Initech', 'initech', 'free');

INSERT INTO users (account_id, email, full_name, role)
SELECT a.id, u.email, u.full_name, u.role
FROM (VALUES
  ('acme', 'ada@acme.test', 'Ada Lovelace', 'owner'),
  ('acme', 'alan@acme.test', 'Alan Turing', 'admin'),
  ('acme', 'edsger@acme.test', 'Edsger Dijkstra', 'member'),
  ('globex', 'grace@globex.test', 'Grace Hopper', 'owner'),
  ('globex', 'linus@globex.test', 'Linus Torvalds', 'member'),
  ('initech', 'peter@initech.test', 'Peter Gibbons', 'owner')
) AS u (slug, email, full_name, role)
JOIN accounts a ON a.slug = u.slug;
