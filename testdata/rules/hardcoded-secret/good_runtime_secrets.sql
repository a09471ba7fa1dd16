-- expect: none
-- Secrets read at run time, public keys, placeholders and made-up examples are not reported.
CREATE OR REPLACE FUNCTION public.call_edge() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM net.http_post(
    url := 'https://qzkvwplmtbxnrcyadfhe.supabase.co/functions/v1/sync',
    headers := jsonb_build_object('Authorization', 'Bearer ' || current_setting('app.settings.service_role_key'),
                                  'apikey', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF6a3Z3cGxtdGJ4bnJjeWFkZmhlIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MTQwMDAwMDAsImV4cCI6MjAyOTU3NjAwMH0.Q2hvb3NlIGEgc3Ryb25nIHNlY3JldCBhbmQgcm90YXRlIGl0')
  );
  PERFORM net.http_post(url := 'http://host.docker.internal:54321/functions/v1/sync',
                        headers := jsonb_build_object('Authorization', 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU'));
END
$$;
SELECT decrypted_secret FROM vault.decrypted_secrets WHERE name = 'stripe_key';
CREATE ROLE reader NOLOGIN PASSWORD NULL;
CREATE ROLE empty_pw LOGIN PASSWORD '';
SET password_encryption = 'scram-sha-256';
CREATE USER MAPPING FOR app SERVER billing OPTIONS (user 'sync', password '<password>');
SELECT dblink_connect('host=billing.internal dbname=billing user=sync password=${DB_PASSWORD}');
SELECT dblink_connect('host=billing.internal dbname=billing user=sync');
INSERT INTO examples (value) VALUES
  ('AKIAIOSFODNN7EXAMPLE'),
  ('sk_live_xxxxxxxxxxxxxxxxxxxxxxxx'),
  ('postgresql://postgres:postgres@localhost:54322/postgres'),
  ('postgresql://app:{{ .Password }}@db.internal/app'),
  ('postgres://app@db.internal/app'),
  ('https://github.com/org/repo'),
  ('a password is required');
COMMENT ON COLUMN users.password IS 'bcrypt hash, never the password itself';
