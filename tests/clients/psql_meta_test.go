package clients

import (
	"strings"
	"testing"
)

// psqlMetaSetup are the objects TestPsqlMeta describes: a table with a
// primary key and a default, a view, a materialized view and a source.
var psqlMetaSetup = []string{
	`CREATE TABLE metrics (id INT PRIMARY KEY, host VARCHAR NOT NULL, ts TIMESTAMPTZ,
		value DOUBLE PRECISION DEFAULT 0, note VARCHAR(20), amount NUMERIC(10,2))`,
	`CREATE VIEW v_metrics AS SELECT host, value FROM metrics WHERE value > 0`,
	`CREATE MATERIALIZED VIEW mv_metrics AS SELECT host, count(*) AS n, avg(value) AS avg_value FROM metrics GROUP BY host`,
	`CREATE SOURCE src (id INT, name VARCHAR) WITH (connector = 'datagen', fields.id.kind = 'sequence',
		fields.id.start = '1', fields.id.end = '10', datagen.rows.per.second = '10')`,
}

// psqlMeta are psql's describe commands and what psql prints for them
// (unaligned, user root).
var psqlMeta = []struct{ cmd, want string }{
	{`\d`, `List of relations
Schema|Name|Type|Owner
public|metrics|table|root
public|mv_metrics|materialized view|root
public|src|foreign table|root
public|v_metrics|view|root
(4 rows)
`},
	{`\dt`, `List of relations
Schema|Name|Type|Owner
public|metrics|table|root
(1 row)
`},
	{`\dv`, `List of relations
Schema|Name|Type|Owner
public|v_metrics|view|root
(1 row)
`},
	{`\dm`, `List of relations
Schema|Name|Type|Owner
public|mv_metrics|materialized view|root
(1 row)
`},
	{`\di`, `List of relations
Schema|Name|Type|Owner|Table
public|metrics_pkey|index|root|metrics
(1 row)
`},
	{`\dE`, `List of relations
Schema|Name|Type|Owner
public|src|foreign table|root
(1 row)
`},
	{`\dn`, `List of schemas
Name|Owner
public|root
rw_catalog|root
(2 rows)
`},
	{`\df`, `List of functions
Schema|Name|Result data type|Argument data types|Type
(0 rows)
`},
	{`\du`, `List of roles
Role name|Attributes|Member of
root|Superuser, Create role, Create DB, Replication, Bypass RLS|{}
`},
	{`\l`, `List of databases
Name|Owner|Encoding|Collate|Ctype|ICU Locale|Locale Provider|Access privileges
dev|root|UTF8|C.UTF-8|C.UTF-8||libc|
(1 row)
`},
	{`\d metrics`, `Table "public.metrics"
Column|Type|Collation|Nullable|Default
id|integer||not null|
host|character varying||not null|
ts|timestamp with time zone|||
value|double precision|||0
note|character varying(20)|||
amount|numeric(10,2)|||
Indexes:
    "metrics_pkey" PRIMARY KEY, btree (id)
`},
	{`\d+ metrics`, `Table "public.metrics"
Column|Type|Collation|Nullable|Default|Storage|Compression|Stats target|Description
id|integer||not null||plain|||
host|character varying||not null||extended|||
ts|timestamp with time zone||||plain|||
value|double precision|||0|plain|||
note|character varying(20)||||extended|||
amount|numeric(10,2)||||main|||
Indexes:
    "metrics_pkey" PRIMARY KEY, btree (id)
Access method: heap
`},
	{`\d metrics_pkey`, `Index "public.metrics_pkey"
Column|Type|Key?|Definition
id|integer|yes|id
primary key, btree, for table "public.metrics"
`},
	{`\d v_metrics`, `View "public.v_metrics"
Column|Type|Collation|Nullable|Default
host|character varying|||
value|double precision|||
`},
	{`\d+ v_metrics`, `View "public.v_metrics"
Column|Type|Collation|Nullable|Default|Storage|Description
host|character varying||||extended|
value|double precision||||plain|
View definition:
 SELECT host, value FROM metrics WHERE value > 0;
`},
	{`\d mv_metrics`, `Materialized view "public.mv_metrics"
Column|Type|Collation|Nullable|Default
host|character varying|||
n|bigint|||
avg_value|double precision|||
`},
	{`\d src`, `Foreign table "public.src"
Column|Type|Collation|Nullable|Default|FDW options
id|integer||||
name|character varying||||
Server: datagen
FDW options: ("fields.id.kind" 'sequence', "fields.id.start" '1', "fields.id.end" '10', "datagen.rows.per.second" '10')
`},
}

// TestPsqlMeta runs psql's \d family against Eddy: psql must print no
// error and list the objects as PostgreSQL's psql shows them (a source
// is a foreign table whose server is its connector).
func TestPsqlMeta(t *testing.T) {
	psql := needTool(t, "psql")
	tg := startTarget(t, false)
	if tg.Postgres {
		t.Skip("the objects include a source, which PostgreSQL does not have")
	}
	for _, s := range psqlMetaSetup {
		args := psqlArgs(tg, "-v", "ON_ERROR_STOP=1", "-c", s)
		if r := run(t, "", nil, psql, args...); r.Code != 0 || r.Stderr != "" {
			t.Fatalf("psql %s: exit %d, stderr:\n%s", quoteArgs(args), r.Code, r.Stderr)
		}
	}
	for _, c := range psqlMeta {
		args := psqlArgs(tg, "-v", "ON_ERROR_STOP=1", "-c", c.cmd)
		r := run(t, "", nil, psql, args...)
		if r.Code != 0 || r.Stderr != "" {
			t.Errorf("psql -c '%s': exit %d, stderr (want none):\n%s", c.cmd, r.Code, r.Stderr)
			continue
		}
		if d := lineDiff(r.Stdout, c.want); d != "" {
			t.Errorf("psql -c '%s' (- want, + got):\n%s", c.cmd, d)
		}
		if strings.Contains(r.Stdout, "ERROR") {
			t.Errorf("psql -c '%s' printed an error:\n%s", c.cmd, r.Stdout)
		}
	}
}
