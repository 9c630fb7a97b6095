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
	// Casts, operators and operator classes: as PostgreSQL's for the
	// types Eddy has, the operators without functions of their own.
	{`\dC jsonb`, `List of casts
Source type|Target type|Function|Implicit?
json|jsonb|(with inout)|in assignment
jsonb|bigint|int8|no
jsonb|boolean|bool|no
jsonb|double precision|float8|no
jsonb|integer|int4|no
jsonb|json|(with inout)|in assignment
jsonb|numeric|numeric|no
jsonb|real|float4|no
jsonb|smallint|int2|no
(9 rows)
`},
	{`\do ||`, `List of operators
Schema|Name|Left arg type|Right arg type|Result type|Description
pg_catalog||||anyarray|anyarray|anyarray|
pg_catalog||||anyarray|anyelement|anyarray|
pg_catalog||||anyelement|anyarray|anyarray|
pg_catalog||||anynonarray|text|text|
pg_catalog||||bytea|bytea|bytea|
pg_catalog||||jsonb|jsonb|jsonb|
pg_catalog||||text|anynonarray|text|
pg_catalog||||text|text|text|
(8 rows)
`},
	{`\do+ = integer integer`, `List of operators
Schema|Name|Left arg type|Right arg type|Result type|Function|Description
pg_catalog|=|integer|integer|boolean|-|
(1 row)
`},
	{`\dAc btree int*`, `List of operator classes
AM|Input type|Storage type|Operator class|Default?
btree|bigint||int8_ops|yes
btree|integer||int4_ops|yes
btree|interval||interval_ops|yes
btree|smallint||int2_ops|yes
(4 rows)
`},
	{`\dAf btree int4*`, `List of operator families
AM|Operator family|Applicable types
btree|int4_ops|integer
(1 row)
`},
	{`\dAo btree int4_ops`, `List of operators of operator families
AM|Operator family|Operator|Strategy|Purpose
btree|int4_ops|<(integer,integer)|1|search
btree|int4_ops|<=(integer,integer)|2|search
btree|int4_ops|=(integer,integer)|3|search
btree|int4_ops|>=(integer,integer)|4|search
btree|int4_ops|>(integer,integer)|5|search
(5 rows)
`},
	{`\dAp btree int4_ops`, `List of support functions of operator families
AM|Operator family|Registered left type|Registered right type|Number|Function
btree|int4_ops|integer|integer|1|btint4cmp
(1 row)
`},
	// Languages: no procedural one (PostgreSQL's \dL lists plpgsql).
	{`\dL`, `List of languages
Name|Owner|Trusted|Description
(0 rows)
`},
	{`\dLS`, `List of languages
Name|Owner|Trusted|Description
c|root|f|
internal|root|f|
sql|root|t|
(3 rows)
`},
	{`\dp`, `Access privileges
Schema|Name|Type|Access privileges|Column privileges|Policies
public|metrics|table|||
public|mv_metrics|materialized view|||
public|src|foreign table|||
public|v_metrics|view|||
(4 rows)
`},
	// What Eddy has none of.
	{`\dd`, `Object descriptions
Schema|Name|Object|Description
(0 rows)
`},
	{`\dy`, `List of event triggers
Name|Event|Owner|Enabled|Function|Tags
(0 rows)
`},
	{`\dF`, `List of text search configurations
Schema|Name|Description
(0 rows)
`},
	{`\dX`, `List of extended statistics
Schema|Name|Definition|Ndistinct|Dependencies|MCV
(0 rows)
`},
	{`\dRp`, `List of publications
Name|Owner|All tables|Inserts|Updates|Deletes|Truncates|Via root
(0 rows)
`},
	{`\dRs`, `List of subscriptions
Name|Owner|Enabled|Publication
(0 rows)
`},
	{`\dc`, `List of conversions
Schema|Name|Source|Destination|Default?
(0 rows)
`},
	{`\deu`, `List of user mappings
Server|User name
(0 rows)
`},
	// The source's connector is a foreign server and wrapper.
	{`\des`, `List of foreign servers
Name|Owner|Foreign-data wrapper
datagen|root|datagen
(1 row)
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
