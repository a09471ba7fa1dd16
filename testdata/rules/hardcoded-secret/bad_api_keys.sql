-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
INSERT INTO integrations (name, secret) VALUES
  ('aws', 'AKIAZ7Q3MXR4TB2KLW9P'),
  ('stripe', 'sk_live_51Hc8QxK2mRt7YvLp0aZ3nWq9'),
  ('stripe-test', 'sk_test_51Hc8QxK2mRt7YvLp0aZ3nWq9'),
  ('github', 'ghp_8fK2mQ9xLr4Tz7Wv1Nc3Bp6Yh0Sd5Ga2Ej9U'),
  ('slack', 'xoxb-2048837-5531904771-q8Rz3KfLm2WnX7pT'),
  ('google', 'AIzaSyC8x2Lr9QmT4vW7zK1pN3bY6hD0sF5gJaE'),
  ('openai', 'sk-proj-Zt8Qm3Lx9Rv2Kp7Wn4Yb1Hc6Fd0Sg5Ja');
SELECT vault.create_secret('whk-9c1f3e7a52d84b60', 'webhook_signing');
ALTER DATABASE postgres SET "app.settings.jwt_secret" TO 'k3Y-Ch0s3n-By-A-Hum4n-0n-A-Fr1d4y';
SELECT set_config('app.settings.service_role_key', 'not-a-jwt-but-a-real-key-1234', false);
COMMENT ON TABLE integrations IS 'deploy key:
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
-----END OPENSSH PRIVATE KEY-----';
