-- Avatars moved to storage buckets.
ALTER TABLE public.profiles DROP COLUMN avatar_url;

-- Start the new year with an empty project list in staging.
DELETE FROM public.projects;

-- pgsafe-ignore ban-drop-table: the 2023 audit log was archived to cold storage (ticket OPS-112)
DROP TABLE public.audit_log_2023;
