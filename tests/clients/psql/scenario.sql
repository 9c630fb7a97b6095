-- The client compatibility scenario for psql. Run from a directory that
-- holds data.csv, with
--   psql -X -A -v ON_ERROR_STOP=1 -h HOST -p PORT -U USER DB -f scenario.sql
-- Its output is compared with scenario.out, and out.csv with copy_out.csv.
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
