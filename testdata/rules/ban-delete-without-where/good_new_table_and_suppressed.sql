-- expect: none
CREATE TABLE tmp_ids (id bigint);
INSERT INTO tmp_ids SELECT id FROM users;
DELETE FROM tmp_ids;

-- pgsafe-ignore ban-delete-without-where: feature_flags is reseeded by the next statement
DELETE FROM feature_flags;
INSERT INTO feature_flags (name, enabled) VALUES ('new_checkout', false);
