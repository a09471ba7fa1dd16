-- Track where each project is in its lifecycle.
ALTER TABLE public.projects ADD COLUMN status text NOT NULL;

-- Shorter names fit the new dashboard cards.
ALTER TABLE public.projects ALTER COLUMN name TYPE varchar(50);

-- Widening a varchar is free: no rewrite, no finding.
ALTER TABLE public.profiles ALTER COLUMN username TYPE text;

CREATE INDEX projects_status_idx ON public.projects (status);
