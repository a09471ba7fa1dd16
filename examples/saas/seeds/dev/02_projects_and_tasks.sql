INSERT INTO projects (account_id, name, description, budget, starts_on, ends_on)
SELECT a.id, p.name, p.description, p.budget, p.starts_on, p.ends_on
FROM (VALUES
  ('acme', 'Website relaunch', 'New marketing site and docs', 25000.00, DATE '2026-01-05', DATE '2026-04-30'),
  ('acme', 'Mobile app', 'iOS and Android clients', 80000.00, DATE '2026-02-01', DATE '2026-09-30'),
  ('globex', 'Billing migration', 'Move invoices to the new provider', 12000.00, DATE '2026-01-15', DATE '2026-02-28'),
  ('initech', 'TPS reports', NULL, NULL, NULL, NULL)
) AS p (slug, name, description, budget, starts_on, ends_on)
JOIN accounts a ON a.slug = p.slug;

INSERT INTO tasks (project_id, assignee_id, title, status, priority, estimate_hours, tags)
SELECT p.id, u.id, t.title, t.status::task_status, t.priority, t.estimate_hours, t.tags
FROM (VALUES
  ('Website relaunch', 'ada@acme.test', 'Pick a design system', 'done', 2, 8.0, ARRAY['design']),
  ('Website relaunch', 'alan@acme.test', 'Write the pricing page', 'doing', 1, 5.5, ARRAY['copy', 'marketing']),
  ('Mobile app', 'edsger@acme.test', 'Offline sync', 'todo', 1, 40.0, ARRAY['sync']),
  ('Billing migration', 'grace@globex.test', 'Export open invoices', 'todo', 3, 3.0, ARRAY[]::text[]),
  ('TPS reports', NULL, 'New cover sheet', 'todo', 5, NULL, ARRAY['paperwork'])
) AS t (project, email, title, status, priority, estimate_hours, tags)
JOIN projects p ON p.name = t.project
LEFT JOIN users u ON u.email = t.email;

INSERT INTO comments (task_id, author_id, body)
SELECT t.id, u.id, 'Looks good, shipping it.'
FROM tasks t JOIN users u ON u.email = 'ada@acme.test'
WHERE t.title = 'Pick a design system';
