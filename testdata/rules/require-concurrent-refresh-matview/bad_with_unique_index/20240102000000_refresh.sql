-- expect: require-concurrent-refresh-matview
REFRESH MATERIALIZED VIEW daily_sales WITH DATA;
