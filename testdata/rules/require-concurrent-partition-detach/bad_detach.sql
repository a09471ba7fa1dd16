-- expect: require-concurrent-partition-detach
ALTER TABLE measurements DETACH PARTITION measurements_2019;
