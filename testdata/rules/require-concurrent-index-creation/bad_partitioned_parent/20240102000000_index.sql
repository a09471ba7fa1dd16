-- expect: require-concurrent-index-creation
CREATE INDEX measurements_at_idx ON measurements (at);
-- ON ONLY builds nothing: not reported
CREATE INDEX measurements_id_idx ON ONLY measurements (id);
