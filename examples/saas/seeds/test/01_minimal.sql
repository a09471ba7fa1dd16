-- The test profile: small and deterministic (tests count on exactly these rows).
INSERT INTO accounts (name, slug, plan) VALUES
  ('Acme', 'acme', 'pro'),
  ('Globex', 'globex', 'free');

INSERT INTO users (id, account_id, email, full_name, role)
SELECT u.id, a.id, u.email, u.full_name, u.role
FROM (VALUES
  ('00000000-0000-4000-8000-000000000001'::uuid, 'acme', 'ada@acme.test', 'Ada Lovelace', 'owner'),
  ('00000000-0000-4000-8000-000000000002'::uuid, 'acme', 'alan@acme.test', 'Alan Turing', 'member'),
  ('00000000-0000-4000-8000-000000000003'::uuid, 'globex', 'grace@globex.test', 'Grace Hopper', 'owner')
) AS u (id, slug, email, full_name, role)
JOIN accounts a ON a.slug = u.slug;

INSERT INTO projects (account_id, name, budget, starts_on, ends_on)
SELECT id, 'Launch', 5000.00, DATE '2026-01-01', DATE '2026-03-31' FROM accounts WHERE slug = 'acme';

INSERT INTO tasks (project_id, assignee_id, title, status, priority)
SELECT p.id, '00000000-0000-4000-8000-000000000001', 'Write the landing page', 'doing', 2
FROM projects p WHERE p.name = 'Launch';
