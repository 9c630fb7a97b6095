package parser

import (
	"testing"
)

// TestScripts parses multi-statement scripts written as RisingWave's
// tutorials and test suites write them.
func TestScripts(t *testing.T) {
	tests := []struct {
		name  string
		sql   string
		kinds []string
	}{
		{
			"getting started",
			`CREATE TABLE t(v1 int, v2 int);
INSERT INTO t VALUES(1,10),(2,20),(3,30);
CREATE MATERIALIZED VIEW mv AS SELECT SUM(v1) AS sum_v1 FROM t;
FLUSH;
SELECT * FROM mv;`,
			[]string{"*parser.CreateTable", "InsertStmt", "*parser.CreateMaterializedView", "*parser.Flush", "SelectStmt"},
		},
		{
			"e2e test style",
			`SET RW_IMPLICIT_FLUSH TO true;
CREATE TABLE t1 (v1 int PRIMARY KEY, v2 int) ON CONFLICT DO UPDATE IF NOT NULL;
INSERT INTO t1 VALUES (1, 2), (3, 4);
UPDATE t1 SET v2 = v2 + 1 WHERE v1 = 1;
DELETE FROM t1 WHERE v1 = 3;
CREATE MATERIALIZED VIEW mv1 AS SELECT v1, sum(v2) AS s FROM t1 GROUP BY v1;
CREATE INDEX idx ON mv1 (s) INCLUDE (v1);
SHOW MATERIALIZED VIEWS;
DESCRIBE mv1;
EXPLAIN CREATE MATERIALIZED VIEW mv2 AS SELECT * FROM mv1 WHERE s > 10;
DROP MATERIALIZED VIEW mv1;
DROP TABLE t1;`,
			[]string{
				"VariableSetStmt", "*parser.CreateTable", "InsertStmt", "UpdateStmt", "DeleteStmt",
				"*parser.CreateMaterializedView", "IndexStmt", "*parser.Show", "*parser.Describe",
				"*parser.Explain", "DropStmt", "DropStmt",
			},
		},
		{
			"kafka pipeline",
			`-- Ingest user behaviour from Kafka.
CREATE SOURCE IF NOT EXISTS user_behaviors (
    user_id varchar,
    target_id varchar,
    target_type varchar,
    event_timestamp timestamptz,
    behavior_type varchar,
    parent_target_type varchar,
    parent_target_id varchar,
    WATERMARK FOR event_timestamp AS event_timestamp - INTERVAL '5' SECOND
) INCLUDE offset AS kafka_offset
WITH (
    connector = 'kafka',
    topic = 'user_behaviors',
    properties.bootstrap.server = 'message_queue:29092',
    scan.startup.mode = 'earliest'
) FORMAT PLAIN ENCODE JSON;

/* Windowed counts, final per window. */
CREATE MATERIALIZED VIEW thread_view_count AS
SELECT target_id, COUNT(*) AS view_count, window_start, window_end
FROM TUMBLE(user_behaviors, event_timestamp, INTERVAL '10 minutes')
WHERE target_type = 'thread' AND behavior_type = 'show'
GROUP BY target_id, window_start, window_end
EMIT ON WINDOW CLOSE;

CREATE SINK thread_view_sink FROM thread_view_count
WITH (
    connector = 'kafka',
    properties.bootstrap.server = 'message_queue:29092',
    topic = 'thread_view_count',
    primary_key = 'target_id,window_start'
) FORMAT UPSERT ENCODE JSON;

SELECT * FROM thread_view_count WHERE target_id = 'thread83' ORDER BY window_start DESC LIMIT 5;
DROP SINK thread_view_sink;
DROP SOURCE user_behaviors CASCADE;`,
			[]string{
				"*parser.CreateSource", "*parser.CreateMaterializedView", "*parser.CreateSink",
				"SelectStmt", "*parser.Drop", "*parser.Drop",
			},
		},
		{
			"datagen and upsert",
			`CREATE TABLE orders (
  order_id int,
  customer varchar,
  amount numeric(10, 2),
  created_at timestamptz,
  PRIMARY KEY (order_id)
) WITH (
  connector = 'datagen',
  fields.order_id.kind = 'sequence',
  fields.order_id.start = '1',
  fields.order_id.end = '1000',
  fields.customer.length = '5',
  datagen.rows.per.second = '100'
) FORMAT PLAIN ENCODE JSON;
CREATE TABLE cdc_orders (order_id int PRIMARY KEY, status varchar)
WITH (connector = 'kafka', topic = 'dbserver1.public.orders', properties.bootstrap.server = 'broker:9092')
FORMAT DEBEZIUM ENCODE JSON;
CREATE MATERIALIZED VIEW revenue AS
  SELECT customer, sum(amount) AS total, count(*) FILTER (WHERE amount > 100) AS big
  FROM orders GROUP BY customer;
SHOW CREATE MATERIALIZED VIEW revenue;
SHOW TABLES;
SHOW JOBS;`,
			[]string{
				"*parser.CreateTable", "*parser.CreateTable", "*parser.CreateMaterializedView",
				"*parser.Show", "*parser.Show", "*parser.Show",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmts := parseAll(t, tt.sql)
			var kinds []string
			for _, st := range stmts {
				kinds = append(kinds, kind(st))
			}
			eqSlice(t, "kinds", kinds, tt.kinds)
		})
	}
}

// nexmarkQueries are Nexmark queries in RisingWave's SQL.
var nexmarkQueries = map[string]string{
	"q0": `SELECT auction, bidder, price, date_time FROM bid`,
	"q4": `SELECT Q.category, AVG(Q.final) AS avg
FROM (SELECT MAX(B.price) AS final, A.category
      FROM auction A, bid B
      WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires
      GROUP BY A.id, A.category) Q
GROUP BY Q.category`,
	"q5": `SELECT AuctionBids.auction, AuctionBids.num
FROM (SELECT bid.auction, count(*) AS num, window_start AS starttime
      FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
      GROUP BY window_start, bid.auction) AS AuctionBids
JOIN (SELECT max(CountBids.num) AS maxn, CountBids.starttime_c
      FROM (SELECT count(*) AS num, window_start AS starttime_c
            FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
            GROUP BY bid.auction, window_start) AS CountBids
      GROUP BY CountBids.starttime_c) AS MaxBids
ON AuctionBids.starttime = MaxBids.starttime_c AND AuctionBids.num >= MaxBids.maxn`,
	"q7": `SELECT B.auction, B.price, B.bidder, B.date_time
FROM bid B
JOIN (SELECT MAX(price) AS maxprice, window_end AS date_time
      FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)
      GROUP BY window_end) B1 ON B.price = B1.maxprice
WHERE B.date_time BETWEEN B1.date_time - INTERVAL '10' SECOND AND B1.date_time`,
	"q9": `SELECT id, item_name, description, initial_bid, reserve, date_time, expires, seller, category,
       auction, bidder, price, bid_date_time
FROM (SELECT A.*, B.auction, B.bidder, B.price, B.date_time AS bid_date_time,
             ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.date_time ASC) AS rownum
      FROM auction A, bid B
      WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires) tmp
WHERE rownum <= 1`,
	"q13": `SELECT B.auction, B.bidder, B.price, B.date_time, S.value
FROM bid B JOIN side_input FOR SYSTEM_TIME AS OF PROCTIME() S ON mod(B.auction, 10000) = S.key`,
	"q15": `SELECT to_char(date_time, 'YYYY-MM-DD') AS "day",
       count(*) AS total_bids,
       count(*) FILTER (WHERE price < 10000) AS rank1_bids,
       count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders
FROM bid
GROUP BY to_char(date_time, 'YYYY-MM-DD')`,
	"q18": `SELECT auction, bidder, price, channel, url, date_time
FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY date_time DESC) AS rank_number
      FROM bid)
WHERE rank_number <= 1`,
	"q21": `SELECT auction, bidder, price, channel,
       CASE WHEN LOWER(channel) = 'apple' THEN '0'
            ELSE (regexp_match(url, '(&|^)channel_id=([^&]*)'))[2] END AS channel_id
FROM bid
WHERE (regexp_match(url, '(&|^)channel_id=([^&]*)'))[2] IS NOT NULL
   OR LOWER(channel) IN ('apple', 'google', 'facebook', 'baidu')`,
}

// TestNexmarkQueries parses each query as RisingWave's e2e tests wrap it
// (a materialized view) and as its benchmark does (a blackhole sink).
func TestNexmarkQueries(t *testing.T) {
	for name, q := range nexmarkQueries {
		t.Run(name, func(t *testing.T) {
			mv := eddyNode[*CreateMaterializedView](t, "CREATE MATERIALIZED VIEW nexmark_"+name+" AS\n"+q+";")
			eq(t, "view name", mv.Name, "nexmark_"+name)
			eq(t, "view query text", mv.QueryText, q)
			if mv.Query.GetSelectStmt() == nil {
				t.Fatalf("view query is %T", mv.Query.Node)
			}
			sk := eddyNode[*CreateSink](t, "CREATE SINK nexmark_"+name+" AS "+q+
				" WITH (connector = 'blackhole', type = 'append-only', force_append_only = 'true')")
			eq(t, "sink query text", sk.QueryText, q)
			eq(t, "sink query", deparse(t, sk.Query), deparse(t, mv.Query))
			eqSlice(t, "sink options", sk.With, Options{
				{"connector", "blackhole"}, {"type", "append-only"}, {"force_append_only", "true"},
			})
			sel := parseOne(t, q)
			eq(t, "batch query", deparse(t, sel.PG), deparse(t, mv.Query))
		})
	}
}
