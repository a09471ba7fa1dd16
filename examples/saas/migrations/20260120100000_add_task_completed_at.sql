-- intent: know when a task was finished (nullable: existing rows need no value)
ALTER TABLE tasks ADD COLUMN completed_at timestamptz;
