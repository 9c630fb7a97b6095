-- Run with -v ON_ERROR_STOP=0: psql reports each failing statement on
-- stderr and goes on. Output: errors.out (stdout), errors.err (stderr).
SELECT 1 AS one;
SELECT * FROM no_such_table;
SELECT 2 AS two;
SELECT no_such_column FROM (SELECT 1 AS a) AS t;
SELECT 3 AS three;
SELECT 1 / 0 AS div;
SET statement_timeout = '100ms';
SELECT pg_sleep(30);
SET statement_timeout = 0;
SELECT 4 AS four;
