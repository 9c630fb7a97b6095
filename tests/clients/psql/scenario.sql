-- The client compatibility scenario for psql. Run from a directory that
-- holds data.csv, with
--   psql -X -A -v ON_ERROR_STOP=1 -v create_view=SQL -v flush=SQL \
--        -h HOST -p PORT -U USER DB -f scenario.sql
-- where create_view creates the windowed view psql_per_minute over
-- psql_events and flush waits until it reflects every committed row (see
-- streamSQL in scenario_test.go). Its output is compared with
-- scenario.out, and out.csv with copy_out.csv.
SET TimeZone = 'UTC';

\echo == create and insert
CREATE TABLE psql_types (id int PRIMARY KEY, c_bigint bigint, c_smallint smallint,
  c_double double precision, c_real real, c_numeric numeric, c_varchar varchar, c_text text,
  c_bool boolean, c_date date, c_ts timestamp, c_tstz timestamptz, c_interval interval,
  c_bytea bytea, c_jsonb jsonb);
INSERT INTO psql_types VALUES
  (1, 9223372036854775807, 32767, 3.5, 1.25, 12345.678900, 'hello', 'plain text', true,
   '2024-02-29', '2024-02-29 13:45:30.123456', '2024-06-01 12:00:00+05:30',
   '1 year 2 mons 3 days 04:05:06.5', '\x00ff10', '{"a": 1, "b": [true, null, "x"]}'),
  (2, -9223372036854775808, -32768, -2.5e-10, -0.75, -0.001, 'héllo wörld ✓ 日本語',
   'emoji 🚀, quote '' and backslash \', false,
   '1999-12-31', '1999-12-31 23:59:59', '2000-01-01 00:00:00-08:00',
   '-1 mons +15 days -00:00:30', '\x', '{"k": "ü", "n": -1.5, "e": {}}');
INSERT INTO psql_types (id) VALUES (3);

\echo == select
\set lo 1
\set name 'héllo wörld ✓ 日本語'
SELECT * FROM psql_types WHERE id >= :lo ORDER BY id;
SELECT id, c_text FROM psql_types WHERE c_varchar = :'name';
SELECT id, c_tstz FROM psql_types WHERE c_tstz = '2024-06-01 03:30:00-03';
\pset null '(null)'
SELECT id, c_bigint, c_jsonb FROM psql_types WHERE id = 3;
\pset null ''

\echo == stream
CREATE TABLE psql_events (id int PRIMARY KEY, ts timestamptz, amount int, price numeric);
-- The view and FLUSH differ between Eddy and PostgreSQL: their command
-- tags are not printed.
\set QUIET on
:create_view;
\set QUIET off
INSERT INTO psql_events VALUES
  (1, '2024-06-01 12:00:05+00', 3, 1.50), (2, '2024-06-01 12:00:59.999+00', 4, 2.25),
  (3, '2024-06-01 12:01:00+00', 5, NULL), (4, '2024-06-01 14:31:10+02', NULL, 10);
\set QUIET on
:flush;
\set QUIET off
\set from '2024-06-01 12:00:00+00'
\pset null '(null)'
SELECT window_start, window_end, n, total, revenue FROM psql_per_minute
  WHERE window_start >= :'from' ORDER BY window_start;
INSERT INTO psql_events VALUES (5, '2024-06-01 12:00:30+00', 10, 0.25);
\set QUIET on
:flush;
\set QUIET off
SELECT n, total, revenue FROM psql_per_minute WHERE window_start = :'from';

\echo == params
-- psql writes variables into the SQL: :'name' as a quoted literal.
\set p_bool true
\set p_int2 -32768
\set p_int4 2147483647
\set p_int8 -9223372036854775808
\set p_float4 1.5
\set p_float8 -0.1
\set p_numeric -12345678901234567890.000123
\set p_text 'it''s a "text" \\ ✓'
\set p_varchar välue
\set p_bytea '\\x0001feff'
\set p_date 2024-02-29
\set p_time 23:59:59.999999
\set p_ts '2024-02-29 13:45:30.5'
\set p_tstz '2024-06-01 12:00:00+05:30'
\set p_interval '1 year 2 mons 3 days 04:05:06.5'
\set p_jsonb '{"a": [1, "x", null], "b": {"c": true}}'
\set p_uuid a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
\set p_int_array '{1,NULL,-3}'
\set p_text_array '{a,"b,c",NULL,"q\\"uote"}'
\x on
SELECT CAST(:'p_bool' AS boolean) AS p_bool, CAST(:'p_int2' AS smallint) AS p_int2,
  CAST(:'p_int4' AS integer) AS p_int4, CAST(:'p_int8' AS bigint) AS p_int8,
  CAST(:'p_float4' AS real) AS p_float4, CAST(:'p_float8' AS double precision) AS p_float8,
  CAST(:'p_numeric' AS numeric) AS p_numeric, CAST(:'p_text' AS text) AS p_text,
  CAST(:'p_varchar' AS varchar) AS p_varchar, CAST(:'p_bytea' AS bytea) AS p_bytea,
  CAST(:'p_date' AS date) AS p_date, CAST(:'p_time' AS time) AS p_time,
  CAST(:'p_ts' AS timestamp) AS p_ts, CAST(:'p_tstz' AS timestamptz) AS p_tstz,
  CAST(:'p_interval' AS interval) AS p_interval, CAST(:'p_jsonb' AS jsonb) AS p_jsonb,
  CAST(:'p_uuid' AS uuid) AS p_uuid, CAST(:'p_int_array' AS integer[]) AS p_int_array,
  CAST(:'p_text_array' AS text[]) AS p_text_array;
SELECT CAST(NULL AS boolean) AS p_bool, CAST(NULL AS smallint) AS p_int2,
  CAST(NULL AS integer) AS p_int4, CAST(NULL AS bigint) AS p_int8,
  CAST(NULL AS real) AS p_float4, CAST(NULL AS double precision) AS p_float8,
  CAST(NULL AS numeric) AS p_numeric, CAST(NULL AS text) AS p_text,
  CAST(NULL AS varchar) AS p_varchar, CAST(NULL AS bytea) AS p_bytea,
  CAST(NULL AS date) AS p_date, CAST(NULL AS time) AS p_time,
  CAST(NULL AS timestamp) AS p_ts, CAST(NULL AS timestamptz) AS p_tstz,
  CAST(NULL AS interval) AS p_interval, CAST(NULL AS jsonb) AS p_jsonb,
  CAST(NULL AS uuid) AS p_uuid, CAST(NULL AS integer[]) AS p_int_array,
  CAST(NULL AS text[]) AS p_text_array;
\x off
\pset null ''

\echo == transaction
BEGIN;
INSERT INTO psql_types (id, c_text) VALUES (10, 'rolled back');
SELECT id, c_text FROM psql_types WHERE id = 10;
ROLLBACK;
SELECT id, c_text FROM psql_types WHERE id = 10;
BEGIN;
INSERT INTO psql_types (id, c_text) VALUES (11, 'committed');
COMMIT;
SELECT id, c_text FROM psql_types WHERE id >= 10 ORDER BY id;

\echo == copy
CREATE TABLE psql_copy (id int PRIMARY KEY, name text, amount numeric, at timestamptz, tags jsonb);
\copy psql_copy FROM 'data.csv' WITH (FORMAT csv, HEADER true)
\pset null '(null)'
SELECT * FROM psql_copy ORDER BY id;
\pset null ''
\copy psql_copy TO 'out.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT id, name, amount FROM psql_copy WHERE id >= 2 ORDER BY id DESC) TO STDOUT
