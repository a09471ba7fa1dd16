-- Projects belong to a profile. (Drafted by an assistant; reviewed before merge.)
CREATE TABLE public.projects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES public.profiles (id),
  name varchar(100) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION public.project_count(owner uuid) RETURNS bigint
  LANGUAGE sql SECURITY DEFINER
  AS $$ SELECT count(*) FROM public.projects WHERE owner_id = owner $$;
