-- expect: require-concurrent-reindex
-- expect: require-concurrent-reindex
REINDEX TABLE orders;
REINDEX (VERBOSE) SCHEMA shop;
