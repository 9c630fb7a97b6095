package streamdiff

import "strings"

// Table is one base table, created on both servers.
type Table struct {
	Name string
	// Eddy is the CREATE TABLE for Eddy; Postgres the one for PostgreSQL
	// (the same columns without RisingWave's streaming clauses).
	Eddy, Postgres string
}

// Tables are the base tables, in creation order:
//
//	acc (id int PK, grp int, name text, amount int, score double)      keyed; updates and deletes
//	tx  (acc_id int, kind text, qty int, price numeric(10,2))           no key (hidden row id); rows repeat
//	ev  (id bigint, ts timestamp, grp int, val int)                      APPEND ONLY, WATERMARK ts - 5 s
var Tables = []Table{
	{
		Name:     "acc",
		Eddy:     "CREATE TABLE acc (id int PRIMARY KEY, grp int, name text, amount int, score double precision)",
		Postgres: "CREATE TABLE acc (id int PRIMARY KEY, grp int, name text, amount int, score double precision)",
	},
	{
		Name:     "tx",
		Eddy:     "CREATE TABLE tx (acc_id int, kind text, qty int, price numeric(10,2))",
		Postgres: "CREATE TABLE tx (acc_id int, kind text, qty int, price numeric(10,2))",
	},
	{
		Name:     "ev",
		Eddy:     "CREATE TABLE ev (id bigint, ts timestamp, grp int, val int, WATERMARK FOR ts AS ts - INTERVAL '5 seconds') APPEND ONLY",
		Postgres: "CREATE TABLE ev (id bigint, ts timestamp, grp int, val int)",
	},
}

// View is one materialized view under test and the two queries its
// contents must equal.
type View struct {
	Name string
	// Query is the view's query as CREATE MATERIALIZED VIEW takes it
	// (with EMIT ON WINDOW CLOSE where the view has it).
	Query string
	// Batch is the same result as a batch SELECT on Eddy over the base
	// tables; empty means Query itself.
	Batch string
	// Postgres is the same result as a SELECT on PostgreSQL 15; empty
	// means Batch (or Query).
	Postgres string
}

// BatchSQL returns the Eddy batch query of v.
func (v View) BatchSQL() string {
	if v.Batch != "" {
		return v.Batch
	}
	return v.Query
}

// PostgresSQL returns the PostgreSQL query of v.
func (v View) PostgresSQL() string {
	if v.Postgres != "" {
		return v.Postgres
	}
	return v.BatchSQL()
}

// Create returns the CREATE MATERIALIZED VIEW statement of v.
func (v View) Create() string {
	return "CREATE MATERIALIZED VIEW " + v.Name + " AS " + v.Query
}

// The PostgreSQL forms of the windows: date_bin gives a TUMBLE window's
// start; a HOP window of size 1 minute sliding by 20 seconds holds a row
// in the three windows starting at its 20-second bin and the two bins
// before it.
const (
	pgTumbleEv = `(SELECT date_bin(INTERVAL '1 minute', ts, TIMESTAMP '2000-01-01') AS window_start, id, ts, grp, val FROM ev) AS w`
	pgHopEv    = `(SELECT s AS window_start, id, ts, grp, val FROM ev,
      generate_series(date_bin(INTERVAL '20 seconds', ts, TIMESTAMP '2000-01-01') - INTERVAL '40 seconds',
                      date_bin(INTERVAL '20 seconds', ts, TIMESTAMP '2000-01-01'), INTERVAL '20 seconds') AS s) AS w`
	// closedWindow keeps the 1-minute windows whose end the watermark
	// (the largest ts minus 5 seconds) has reached.
	closedWindow = `(SELECT max(ts) - INTERVAL '5 seconds' FROM ev)`
)

// Views are the views under test, in creation order (a view over a view
// after the view it reads). Together they cover projections and filters,
// every aggregate a view supports with retraction, DISTINCT aggregates,
// FILTER and HAVING, global aggregates, inner, left, right and full
// joins with extra ON conditions, UNION ALL and UNION, top-N with and
// without OFFSET, group top-N with row_number, rank and dense_rank, an
// aggregate over a derived table, TUMBLE and HOP windows, EMIT ON WINDOW
// CLOSE, a join of the append-only table with a keyed one, views over
// views, and set-returning functions in the select list.
var Views = []View{
	{
		Name: "v_proj",
		Query: `SELECT id, grp, upper(name) AS uname, amount * 2 + 1 AS a2, score / 4 AS s4,
  CASE WHEN amount > 500 THEN 'high' WHEN amount > 0 THEN 'low' ELSE 'none' END AS band
FROM acc WHERE amount > 20 OR name LIKE 'a%' OR score IS NULL`,
	},
	{
		Name: "v_agg",
		Query: `SELECT grp, count(*) AS n, count(score) AS n_score, sum(amount) AS sum_amount, avg(amount) AS avg_amount,
  min(amount) AS min_amount, max(amount) AS max_amount, sum(score) AS sum_score, avg(score) AS avg_score,
  min(score) AS min_score, max(name) AS max_name
FROM acc GROUP BY grp`,
	},
	{
		Name: "v_agg_distinct",
		Query: `SELECT kind, count(DISTINCT acc_id) AS accs, sum(DISTINCT qty) AS sum_dq, count(*) FILTER (WHERE qty > 5) AS big,
  sum(price) FILTER (WHERE qty > 2) AS sum_price, max(price) AS max_price, min(price) AS min_price, avg(price) AS avg_price
FROM tx GROUP BY kind HAVING count(*) > 1`,
	},
	{
		Name:  "v_global",
		Query: `SELECT count(*) AS n, sum(qty) AS sum_qty, min(price) AS min_price, max(qty) AS max_qty, avg(qty) AS avg_qty, count(DISTINCT kind) AS kinds FROM tx`,
	},
	{
		Name:  "v_inner",
		Query: `SELECT a.id, a.name, t.kind, t.qty FROM acc a JOIN tx t ON t.acc_id = a.id`,
	},
	{
		Name:  "v_left",
		Query: `SELECT a.id, a.grp, t.kind, t.qty FROM acc a LEFT JOIN tx t ON t.acc_id = a.id AND t.qty > 3`,
	},
	{
		Name:  "v_right",
		Query: `SELECT a.name, a.score, t.acc_id, t.kind FROM acc a RIGHT JOIN tx t ON a.id = t.acc_id`,
	},
	{
		Name:  "v_full",
		Query: `SELECT a.id, a.grp, t.acc_id, t.price FROM acc a FULL JOIN tx t ON a.id = t.acc_id AND a.amount > t.qty`,
	},
	{
		Name:  "v_join_agg",
		Query: `SELECT a.grp, count(*) AS n, sum(t.qty) AS sum_qty, max(t.price) AS max_price, min(a.name) AS min_name FROM acc a JOIN tx t ON t.acc_id = a.id GROUP BY a.grp`,
	},
	{
		Name:  "v_union_all",
		Query: `SELECT id AS k, grp AS g, 'acc' AS src FROM acc WHERE grp < 3 UNION ALL SELECT acc_id, qty, kind FROM tx WHERE qty > 5`,
	},
	{
		Name:  "v_union",
		Query: `SELECT grp AS g FROM acc UNION SELECT qty % 5 FROM tx`,
	},
	{
		Name:  "v_topn",
		Query: `SELECT id, amount, name FROM acc ORDER BY amount DESC NULLS LAST, id LIMIT 5`,
	},
	{
		Name:  "v_topn_offset",
		Query: `SELECT id, score FROM acc WHERE score IS NOT NULL ORDER BY score, id LIMIT 3 OFFSET 2`,
	},
	{
		Name: "v_group_topn",
		Query: `SELECT id, grp, amount, rn FROM (
  SELECT id, grp, amount, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY amount DESC, id) AS rn FROM acc
) AS r WHERE rn <= 2`,
	},
	{
		Name: "v_rank",
		Query: `SELECT acc_id, kind, qty, r FROM (
  SELECT acc_id, kind, qty, rank() OVER (PARTITION BY kind ORDER BY qty) AS r FROM tx
) AS ranked WHERE r <= 2`,
	},
	{
		Name: "v_dense",
		Query: `SELECT id, grp, score, r FROM (
  SELECT id, grp, score, dense_rank() OVER (PARTITION BY grp ORDER BY score DESC) AS r FROM acc
) AS ranked WHERE r <= 2`,
	},
	{
		// Rows of tx repeat; ties on the order keys are identical rows.
		Name:  "v_tx_topn",
		Query: `SELECT acc_id, qty FROM tx ORDER BY qty DESC NULLS LAST, acc_id NULLS LAST LIMIT 4 OFFSET 1`,
	},
	{
		Name: "v_derived",
		Query: `SELECT d.bucket, count(*) AS n, sum(d.total) AS total FROM (
  SELECT acc_id, kind, qty * price AS total, CASE WHEN qty > 6 THEN 'big' ELSE 'small' END AS bucket FROM tx WHERE acc_id IS NOT NULL
) AS d GROUP BY d.bucket HAVING count(*) > 0`,
	},
	{
		Name: "v_tumble",
		Query: `SELECT window_start, window_end, grp, count(*) AS n, sum(val) AS sum_val, max(val) AS max_val
FROM TUMBLE(ev, ts, INTERVAL '1 minute') GROUP BY window_start, window_end, grp`,
		Postgres: `SELECT window_start, window_start + INTERVAL '1 minute' AS window_end, grp, count(*) AS n, sum(val) AS sum_val, max(val) AS max_val
FROM ` + pgTumbleEv + ` GROUP BY window_start, grp`,
	},
	{
		Name: "v_hop",
		Query: `SELECT window_start, window_end, count(*) AS n, min(val) AS min_val
FROM HOP(ev, ts, INTERVAL '20 seconds', INTERVAL '1 minute') GROUP BY window_start, window_end`,
		Postgres: `SELECT window_start, window_start + INTERVAL '1 minute' AS window_end, count(*) AS n, min(val) AS min_val
FROM ` + pgHopEv + ` GROUP BY window_start`,
	},
	{
		Name: "v_eowc",
		Query: `SELECT window_start, count(*) AS n, sum(val) AS sum_val
FROM TUMBLE(ev, ts, INTERVAL '1 minute') GROUP BY window_start EMIT ON WINDOW CLOSE`,
		Batch: `SELECT window_start, count(*) AS n, sum(val) AS sum_val
FROM TUMBLE(ev, ts, INTERVAL '1 minute') WHERE window_end <= ` + closedWindow + ` GROUP BY window_start`,
		Postgres: `SELECT window_start, count(*) AS n, sum(val) AS sum_val
FROM ` + pgTumbleEv + ` WHERE window_start + INTERVAL '1 minute' <= ` + closedWindow + ` GROUP BY window_start`,
	},
	{
		Name:  "v_ev_filter",
		Query: `SELECT id, ts, val * 2 AS v2 FROM ev WHERE val % 3 = 0 OR val IS NULL`,
	},
	{
		Name:  "v_ev_join",
		Query: `SELECT e.grp, count(*) AS n, sum(e.val * a.amount) AS weighted, max(a.name) AS max_name FROM ev e JOIN acc a ON a.grp = e.grp GROUP BY e.grp`,
	},
	{
		Name:  "v_on_agg",
		Query: `SELECT grp, n * 10 AS n10, sum_amount FROM v_agg WHERE n > 1`,
	},
	{
		Name:  "v_on_join_topn",
		Query: `SELECT grp, n, sum_qty FROM v_join_agg ORDER BY n DESC, grp NULLS FIRST LIMIT 3`,
	},
	{
		// Set-returning functions in the select list run in lockstep:
		// updates of grp and name change how many rows an account
		// expands to.
		Name:  "v_explode",
		Query: `SELECT id, generate_series(1, grp % 4) AS g, unnest(string_to_array(name, 'a')) AS part, amount FROM acc`,
	},
	{
		Name:  "v_explode_agg",
		Query: `SELECT g, count(*) AS n, sum(amount) AS total FROM (SELECT amount, generate_series(0, grp % 3) AS g FROM acc) AS e GROUP BY g`,
	},
}

// inlineViews rewrites a query over views into one over the base tables:
// each "FROM <view>" becomes "FROM (<view's batch query>) AS <view>".
func inlineViews(q string, views []View) string {
	for _, v := range views {
		q = strings.ReplaceAll(q, "FROM "+v.Name+" ", "FROM ("+v.BatchSQL()+") AS "+v.Name+" ")
	}
	return q
}

func init() {
	// Views over views compare with their queries over the base tables.
	for i := range Views {
		if Views[i].Batch == "" {
			if q := inlineViews(Views[i].Query, Views[:i]); q != Views[i].Query {
				Views[i].Batch = q
			}
		}
	}
}

// WindowEndViews are EMIT ON WINDOW CLOSE views grouped by window_end,
// alone or with window_start, as RisingWave scripts usually write them.
// TestStreamDiffWindowEnd checks them on their own.
var WindowEndViews = []View{
	{
		Name: "v_eowc_both",
		Query: `SELECT window_start, window_end, count(*) AS n, max(val) AS max_val
FROM TUMBLE(ev, ts, INTERVAL '1 minute') GROUP BY window_start, window_end EMIT ON WINDOW CLOSE`,
		Batch: `SELECT window_start, window_end, count(*) AS n, max(val) AS max_val
FROM TUMBLE(ev, ts, INTERVAL '1 minute') WHERE window_end <= ` + closedWindow + ` GROUP BY window_start, window_end`,
		Postgres: `SELECT window_start, window_start + INTERVAL '1 minute' AS window_end, count(*) AS n, max(val) AS max_val
FROM ` + pgTumbleEv + ` WHERE window_start + INTERVAL '1 minute' <= ` + closedWindow + ` GROUP BY window_start`,
	},
	{
		Name: "v_eowc_hop_end",
		Query: `SELECT window_end, count(*) AS n
FROM HOP(ev, ts, INTERVAL '20 seconds', INTERVAL '1 minute') GROUP BY window_end EMIT ON WINDOW CLOSE`,
		Batch: `SELECT window_end, count(*) AS n
FROM HOP(ev, ts, INTERVAL '20 seconds', INTERVAL '1 minute') WHERE window_end <= ` + closedWindow + ` GROUP BY window_end`,
		Postgres: `SELECT window_start + INTERVAL '1 minute' AS window_end, count(*) AS n
FROM ` + pgHopEv + ` WHERE window_start + INTERVAL '1 minute' <= ` + closedWindow + ` GROUP BY window_start`,
	},
}
