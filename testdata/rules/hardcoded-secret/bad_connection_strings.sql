-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
-- expect: hardcoded-secret
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'billing.internal', dbname 'billing');
CREATE USER MAPPING FOR app SERVER billing OPTIONS (user 'sync', password 'fdw-Sync-2024!');
SELECT dblink_connect('billing', 'host=billing.internal dbname=billing user=sync password=Qm9vdHN0cmFw');
INSERT INTO settings (key, value) VALUES ('replica_url', 'postgresql://replicator:S3cr3t-r3pl@replica.internal:5432/app');
CREATE SUBSCRIPTION audit_sub CONNECTION 'host=primary.internal dbname=app user=rep password=rep-Pa55word' PUBLICATION audit_pub;
