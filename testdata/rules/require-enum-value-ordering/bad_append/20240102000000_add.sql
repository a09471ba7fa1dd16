-- expect: require-enum-value-ordering
ALTER TYPE order_status ADD VALUE 'refunded';
