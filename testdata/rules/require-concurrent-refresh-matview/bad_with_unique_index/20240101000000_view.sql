-- expect: none
CREATE MATERIALIZED VIEW daily_sales AS SELECT created_at::date AS day, sum(total) AS total FROM orders GROUP BY 1;
CREATE UNIQUE INDEX daily_sales_day_key ON daily_sales (day);
