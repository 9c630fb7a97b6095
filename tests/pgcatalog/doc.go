// Package pgcatalog runs the SQL that clients send to find their way
// around a database against Eddy's system catalogs: what psql 15 sends for
// its \d family of commands (sql/parser/testdata/psql_meta.sql, and in
// psql_meta_by_server_version.sql what it sends when a server
// reports an older version) and what Grafana's PostgreSQL data source
// sends (grafana_meta.sql). The files hold the statements as
// the clients sent them to PostgreSQL 15, grouped under a heading per
// command.
//
// TestFixtures creates a table with a primary key, a view, a materialized
// view and a source, runs every statement and checks that none fails
// (except the one PostgreSQL 15 rejects too) and that the key ones list
// the right objects. TestFixturesPostgres runs the same statements on
// PostgreSQL 15 over the same table and views and compares the answers
// wherever Eddy means to give PostgreSQL's.
//
// TestGrafanaDataSource follows Grafana's PostgreSQL data source through
// a pgx pool (health check, settings-page probes, panel queries with the
// time macros expanded on the simple protocol) and builds the frames
// Grafana would draw from a windowed materialized view, comparing them
// with those from PostgreSQL 15 over the same rows; TestGrafanaSchemaHandler
// runs the schema look-ups Grafana sends with parameters.
//
// TestCatalogsPostgres compares the catalogs behind psql's \dC, \do, \dA*,
// \dL, \dd, \dF* and the other listing commands, and the statistics
// views, with PostgreSQL 15's: every relation's columns (with the
// substitutes Eddy uses for the types it lacks), and the casts, operators
// and btree operator classes Eddy has, which must be PostgreSQL's.
// information_schema's relations are among them, their domain types
// (sql_identifier, ...) compared as their base types.
//
// TestCatalogContentsPostgres compares rows over the same objects on both:
// information_schema's constraints of a table with a primary key and NOT
// NULL columns, what views use, routines and parameters, privileges and
// roles, character sets; pg_aggregate, pg_stat_database,
// pg_prepared_statements, pg_timezone_names and pg_timezone_abbrevs; and
// that every relation of PostgreSQL 15's catalogs either answers on Eddy
// or fails with 0A000.
package pgcatalog
