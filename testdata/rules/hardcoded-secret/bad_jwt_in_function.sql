-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- A service_role key inside a function body (Edge Function call), and a user's session token.
CREATE OR REPLACE FUNCTION public.notify_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  PERFORM net.http_post(
    url := 'https://qzkvwplmtbxnrcyadfhe.supabase.co/functions/v1/sync',
    headers := jsonb_build_object('Authorization', 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF6a3Z3cGxtdGJ4bnJjeWFkZmhlIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcxNDAwMDAwMCwiZXhwIjoyMDI5NTc2MDAwfQ.Q2hvb3NlIGEgc3Ryb25nIHNlY3JldCBhbmQgcm90YXRlIGl0')
  );
  RETURN NEW;
END
$$;

INSERT INTO public.debug_tokens (token) VALUES ('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF6a3Z3cGxtdGJ4bnJjeWFkZmhlIiwicm9sZSI6ImF1dGhlbnRpY2F0ZWQiLCJpYXQiOjE3MTQwMDAwMDAsImV4cCI6MjAyOTU3NjAwMH0.Q2hvb3NlIGEgc3Ryb25nIHNlY3JldCBhbmQgcm90YXRlIGl0');
