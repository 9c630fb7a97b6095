package sql

import "testing"

// A materialized view computes in the time zone of the session that
// created it and reads its constants under that session's TimeZone and
// DateStyle, before and after a restart; a plain view reads its constants
// so too, whatever the querying session's settings.
func TestViewKeepsValueSettings(t *testing.T) {
	dir := t.TempDir()
	e, s := openAt(t, dir)
	mustRun(t, s, "CREATE TABLE ev (ts timestamptz, v int)")
	mustRun(t, s, "INSERT INTO ev VALUES ('2026-01-01 10:00+09', 1), ('2026-01-01 20:00+09', 2)")
	mustRun(t, s, "SET timezone = 'Asia/Tokyo'")
	mustRun(t, s, "SET datestyle = 'ISO, DMY'")
	mustRun(t, s, "CREATE MATERIALIZED VIEW ev_days AS SELECT date_trunc('day', ts) AS d, sum(v) AS total FROM ev GROUP BY 1")
	mustRun(t, s, "CREATE MATERIALIZED VIEW ev_late AS SELECT v FROM ev WHERE ts >= '01/01/2026 12:00' AND ts < '02/01/2026 12:00'")
	mustRun(t, s, "CREATE VIEW ev_late_v AS SELECT v FROM ev WHERE ts >= '01/01/2026 12:00' AND ts < '02/01/2026 12:00'")
	mustRun(t, s, "RESET ALL")
	// Tokyo's day, not UTC's (2025-12-31 and 2026-01-01 in UTC).
	check(t, s, "FLUSH; SELECT d, total FROM ev_days", "FLUSH\n2025-12-31 15:00:00+00 3\nSELECT 1")
	// From 12:00 on 1 January to 12:00 on 2 January, Tokyo time (read in
	// UTC and as month/day, 20:00+09 would fall before the range).
	want := "2\nSELECT 1"
	check(t, s, "SELECT v FROM ev_late", want)
	check(t, s, "SELECT v FROM ev_late_v", want)
	if o, _ := e.Catalog.Lookup("public", "ev_days"); o == nil || o.TimeZone != "Asia/Tokyo" || o.DateStyle != "ISO, DMY" {
		t.Errorf("stored settings: %+v", o)
	}
	shut(t, e, s)

	e, s = openAt(t, dir)
	defer shut(t, e, s)
	mustRun(t, s, "INSERT INTO ev VALUES ('2026-01-01 23:30+09', 4), ('2026-01-02 00:30+09', 8), ('2026-01-01 11:00+09', 16)")
	check(t, s, "FLUSH; SELECT d, total FROM ev_days ORDER BY 1",
		"FLUSH\n2025-12-31 15:00:00+00 23\n2026-01-01 15:00:00+00 8\nSELECT 2")
	want = "2\n4\n8\nSELECT 3"
	check(t, s, "SELECT v FROM ev_late ORDER BY 1", want)
	check(t, s, "SELECT v FROM ev_late_v ORDER BY 1", want)
}
