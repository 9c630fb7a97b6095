// Package postgres is the PostgreSQL sink: a view's changes applied to a
// table of a PostgreSQL database, exactly once per checkpoint, with the
// options RisingWave's `postgres` and `jdbc` sinks take.
//
//	CREATE SINK s FROM mv WITH (connector = 'postgres', host = 'db', port = '5432',
//	    user = 'u', password = 'p', database = 'app', schema = 'public', table = 't',
//	    type = 'upsert', primary_key = 'id')
//
//	CREATE SINK s FROM mv WITH (connector = 'jdbc',
//	    jdbc.url = 'jdbc:postgresql://db:5432/app?user=u&password=p',
//	    table.name = 't', schema.name = 'public', type = 'upsert')
//
// Options of connector = 'postgres':
//
//	host, user, database, table   required
//	port                          default 5432
//	password                      optional (a secret)
//	schema                        default public
//	ssl_mode                      disabled | preferred (default) | required | verify-ca | verify-full
//	max_batch_rows                statements per round trip (default 1024)
//
// and of connector = 'jdbc': jdbc.url (jdbc:postgresql://host[:port]/db with
// user, password, sslmode, currentSchema parameters), user and password
// (over the URL's), table.name, schema.name, jdbc.query.timeout (seconds,
// the session's statement_timeout) and jdbc.auto.commit (accepted: every
// epoch is one transaction). Both take
//
//	type          upsert | append-only; default append-only when the view is
//	              append-only, else upsert
//	primary_key   comma-separated columns an upsert or delete matches on;
//	              default the view's key
//
// # Validation (CREATE SINK)
//
// Validate connects (08001 when it cannot), and checks that the table
// exists (42P01), has every sink column (42703) with a type that can hold
// it (42804), that its NOT NULL columns without default are all written
// (23502), and, for an upsert sink, that a unique index or constraint
// covers exactly the primary_key columns (42P10), which ON CONFLICT needs.
//
// # Writing an epoch
//
// Each epoch is one transaction:
//
//	BEGIN
//	SELECT sink_name, epoch FROM <schema>.eddy_sink_progress WHERE sink_id = $1 FOR UPDATE
//	    └ this sink's row already at or past the epoch: ROLLBACK, done (a replay)
//	append-only:  COPY <table> (cols) FROM STDIN          every insert
//	upsert:       the epoch's changes folded to the last one per key, then in batches
//	              DELETE FROM <table> WHERE pk = $..        keys whose last change deletes
//	              INSERT ... ON CONFLICT (pk) DO UPDATE     keys whose last change inserts
//	INSERT INTO eddy_sink_progress ... ON CONFLICT (sink_id) DO UPDATE SET epoch = <epoch>
//	COMMIT
//
// The progress row commits with the data, so Delivered (the row's epoch)
// is exactly what the table holds, and an epoch written again after a
// crash is skipped, in append-only mode too. eddy_sink_progress
// (sink_id bigint primary key, sink_name text, epoch bigint) is created in
// the target schema when missing. A row whose sink_name differs belongs to
// another sink that had the same id: it is taken over, not trusted.
// Epochs without changes cost nothing (no transaction).
//
// # Values
//
// Every value travels as its PostgreSQL text form (types.AppendText), as
// a parameter of unspecified type or a COPY text field, so PostgreSQL
// parses it with the target column's own input function, exactly as it
// would a literal. That gives exact round trips for every type Eddy has
// (numeric NaN and ±Infinity, infinite dates and timestamps, intervals,
// arrays, json) without a Go representation for each, and lets a target
// column be of a wider type (bigint for integer, text for anything).
// Sessions run with DateStyle ISO, IntervalStyle postgres and TimeZone
// UTC, the forms Eddy prints.
package postgres
