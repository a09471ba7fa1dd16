-- intent: projects group the work of an account
CREATE TABLE projects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name varchar(120) NOT NULL,
  description text,
  budget numeric(12, 2) CHECK (budget >= 0),
  starts_on date,
  ends_on date,
  archived_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT projects_dates CHECK (ends_on >= starts_on),
  CONSTRAINT projects_account_name UNIQUE (account_id, name)
);
