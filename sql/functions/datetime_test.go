package functions

import (
	"testing"
	"time"

	"github.com/eddy-db/eddy/sql/types"
)

func zoneCtx(t *testing.T, name string) *Context {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone data unavailable: %v", err)
	}
	return &Context{Env: &types.Env{Loc: loc, ExtraFloatDigits: 1}}
}

// Expected values checked against PostgreSQL 15; timestamptz results are
// shown in UTC (suffix Z).
func TestDateTimeArithmetic(t *testing.T) {
	hour := int64(3_600_000_000)
	day := 24 * hour
	runCases(t, nil, []evalCase{
		{"+", tys(tDt, tInt), []types.Datum{date("2020-01-31"), i(1)}, "2020-02-01", ""},
		{"-", tys(tDt, tInt), []types.Datum{date("2020-03-01"), i(1)}, "2020-02-29", ""},
		{"+", tys(tInt, tDt), []types.Datum{i(2), date("2020-02-28")}, "2020-03-01", ""},
		{"-", tys(tDt, tDt), []types.Datum{date("2020-03-01"), date("2020-01-01")}, "60", ""},
		{"-", tys(tDt, tDt), []types.Datum{types.NewDate(types.InfinityDays), date("2020-01-01")}, "", dtErr},
		{"+", tys(tDt, tInt), []types.Datum{types.NewDate(endDateDays - 1), i(1)}, "", dtErr},
		{"+", tys(tDt, tInt), []types.Datum{types.NewDate(types.InfinityDays), i(1)}, "infinity", ""},
		{"+", tys(tDt, tIv), []types.Datum{date("2020-01-31"), iv(1, 0, 0)}, "2020-02-29 00:00:00", ""},
		{"+", tys(tDt, types.TTime), []types.Datum{date("2020-01-01"), tod(10, 30, 0)}, "2020-01-01 10:30:00", ""},
		{"+", tys(tTs, tIv), []types.Datum{tsd("2020-01-31 10:00"), iv(1, 0, 0)}, "2020-02-29 10:00:00", ""},
		{"+", tys(tTs, tIv), []types.Datum{tsd("2019-01-31"), iv(1, 0, 0)}, "2019-02-28 00:00:00", ""},
		{"+", tys(tTs, tIv), []types.Datum{tsd("2020-02-29"), iv(12, 0, 0)}, "2021-02-28 00:00:00", ""},
		{"+", tys(tTs, tIv), []types.Datum{tsd("2020-01-15"), iv(-13, 0, 0)}, "2018-12-15 00:00:00", ""},
		{"-", tys(tTs, tIv), []types.Datum{tsd("2020-01-01"), iv(0, 1, hour)}, "2019-12-30 23:00:00", ""},
		{"+", tys(tTs, tIv), []types.Datum{types.NewTimestamp(types.InfinityMicros), iv(1, 0, 0)}, "infinity", ""},
		{"+", tys(tTs, tIv), []types.Datum{tsd("2020-01-01"), iv(4_000_000, 0, 0)}, "", dtErr},
		{"-", tys(tTs, tTs), []types.Datum{tsd("2020-01-02 01:00"), tsd("2020-01-01")}, "0mon 1d 3600000000us", ""},
		{"-", tys(tTs, tTs), []types.Datum{tsd("2020-01-01"), tsd("2020-01-02 01:00")}, "0mon -1d -3600000000us", ""},
		{"-", tys(tTs, tTs), []types.Datum{tsd("2020-03-01"), tsd("2020-01-01 12:00")}, "0mon 59d 43200000000us", ""},
		{"-", tys(tTs, tTs), []types.Datum{types.NewTimestamp(types.InfinityMicros), tsd("2020-01-01")}, "", dtErr},
		{"+", tys(types.TTime, tIv), []types.Datum{tod(23, 30, 0), iv(0, 0, hour)}, "00:30:00", ""},
		{"-", tys(types.TTime, tIv), []types.Datum{tod(1, 0, 0), iv(0, 0, 2*hour)}, "23:00:00", ""},
		{"-", tys(types.TTime, types.TTime), []types.Datum{tod(10, 0, 0), tod(8, 30, 0)}, "0mon 0d 5400000000us", ""},
		{"age", tys(tTs, tTs), []types.Datum{tsd("2020-03-15"), tsd("2019-01-20")}, "13mon 26d 0us", ""},
		{"age", tys(tTs, tTs), []types.Datum{tsd("2019-01-20"), tsd("2020-03-15")}, "-13mon -26d 0us", ""},
		{"age", tys(tTs, tTs), []types.Datum{tsd("2020-03-01"), tsd("2020-01-31 10:00")}, "1mon 0d 50400000000us", ""},
		{"justify_hours", tys(tIv), []types.Datum{iv(0, 0, 50*hour)}, "0mon 2d 7200000000us", ""},
		{"justify_days", tys(tIv), []types.Datum{iv(0, 35, 0)}, "1mon 5d 0us", ""},
		{"justify_interval", tys(tIv), []types.Datum{iv(1, 0, -hour)}, "0mon 29d 82800000000us", ""},
		{"*", tys(tIv, tF8), []types.Datum{iv(0, 1, 2*hour), f(2.5)}, "0mon 2d 61200000000us", ""},
		{"*", tys(tF8, tIv), []types.Datum{f(0.5), iv(1, 0, 0)}, "0mon 15d 0us", ""},
		{"/", tys(tIv, tF8), []types.Datum{iv(1, 0, 0), f(3)}, "0mon 10d 0us", ""},
		{"/", tys(tIv, tF8), []types.Datum{iv(0, 3, 0), f(2)}, "0mon 1d 43200000000us", ""},
		{"/", tys(tIv, tF8), []types.Datum{iv(0, 3, 0), f(0)}, "", divErr},
		{"-", tys(tIv), []types.Datum{iv(1, 2, 3*hour)}, "-1mon -2d -10800000000us", ""},
		{"+", tys(tIv, tIv), []types.Datum{iv(1, 2, 3), iv(4, 5, 6)}, "5mon 7d 9us", ""},
		{"+", tys(tIv, tIv), []types.Datum{iv(2147483647, 0, 0), iv(1, 0, 0)}, "", dtErr},
		{"make_date", tys(tInt, tInt, tInt), []types.Datum{i(2020), i(2), i(29)}, "2020-02-29", ""},
		{"make_date", tys(tInt, tInt, tInt), []types.Datum{i(-44), i(3), i(15)}, "0044-03-15 BC", ""},
		{"make_date", tys(tInt, tInt, tInt), []types.Datum{i(2019), i(2), i(29)}, "", dtErr},
		{"make_date", tys(tInt, tInt, tInt), []types.Datum{i(0), i(1), i(1)}, "", dtErr},
		{"make_timestamp", tys(tInt, tInt, tInt, tInt, tInt, tF8), []types.Datum{i(2020), i(1), i(2), i(3), i(4), f(5.5)}, "2020-01-02 03:04:05.5", ""},
		{"make_timestamp", tys(tInt, tInt, tInt, tInt, tInt, tF8), []types.Datum{i(2020), i(1), i(2), i(25), i(4), f(5)}, "", dtErr},
		{"make_interval", tys(tInt, tInt, tInt, tInt, tInt, tInt, tF8), []types.Datum{i(1), i(2), i(3), i(4), i(5), i(6), f(7.5)}, "14mon 25d 18367500000us", ""},
		{"make_interval", tys(tInt), []types.Datum{i(2)}, "24mon 0d 0us", ""},
		{"make_time", tys(tInt, tInt, tF8), []types.Datum{i(10), i(20), f(30.25)}, "10:20:30.25", ""},
		{"to_timestamp", tys(tF8), []types.Datum{f(1577836800.5)}, "2020-01-01 00:00:00.5Z", ""},
		{"to_timestamp", tys(tF8), []types.Datum{f(0)}, "1970-01-01 00:00:00Z", ""},
		{"to_timestamp", tys(tF8), []types.Datum{f(1e20)}, "", dtErr},
		{"date_bin", tys(tIv, tTs, tTs), []types.Datum{iv(0, 0, 15*60_000_000), tsd("2020-02-11 15:44:17"), tsd("2001-01-01")}, "2020-02-11 15:30:00", ""},
		{"date_bin", tys(tIv, tTs, tTs), []types.Datum{iv(0, 0, hour), tsd("1999-12-31 23:30"), tsd("2000-01-01 00:10")}, "1999-12-31 23:10:00", ""},
		{"date_bin", tys(tIv, tTs, tTs), []types.Datum{iv(1, 0, 0), tsd("2020-01-01"), tsd("2001-01-01")}, "", notSupErr},
		{"date_bin", tys(tIv, tTs, tTs), []types.Datum{iv(0, 0, 0), tsd("2020-01-01"), tsd("2001-01-01")}, "", dtErr},
		{"isfinite", tys(tTs), []types.Datum{types.NewTimestamp(types.InfinityMicros)}, "f", ""},
		{"timezone", tys(tTxt, tTsz), []types.Datum{s("+05"), tstz("2020-01-01 00:00Z")}, "2019-12-31 19:00:00", ""},
		{"timezone", tys(tTxt, tTsz), []types.Datum{s("-03:30"), tstz("2020-01-01 00:00Z")}, "2020-01-01 03:30:00", ""},
		{"timezone", tys(tTxt, tTsz), []types.Datum{s("UTC+3"), tstz("2020-01-01 00:00Z")}, "2019-12-31 21:00:00", ""},
		{"timezone", tys(tTxt, tTsz), []types.Datum{s("EST"), tstz("2020-01-01 00:00Z")}, "2019-12-31 19:00:00", ""},
		{"timezone", tys(tTxt, tTsz), []types.Datum{s("America/New_York"), tstz("2020-07-01 00:00Z")}, "2020-06-30 20:00:00", ""},
		{"timezone", tys(tTxt, tTsz), []types.Datum{s("europe/london"), tstz("2020-07-01 00:00Z")}, "2020-07-01 01:00:00", ""},
		{"timezone", tys(tIv, tTsz), []types.Datum{iv(0, 0, 2*hour), tstz("2020-01-01 00:00Z")}, "2020-01-01 02:00:00", ""},
		{"timezone", tys(tTxt, tTs), []types.Datum{s("America/New_York"), tsd("2020-01-01 00:00")}, "2020-01-01 05:00:00Z", ""},
		{"timezone", tys(tTxt, tTsz), []types.Datum{s("foo"), tstz("2020-01-01 00:00Z")}, "", paramErr},
	})
	_ = day
}

func TestTimestamptzInZone(t *testing.T) {
	ny := zoneCtx(t, "America/New_York")
	runCases(t, ny, []evalCase{
		// A day is a calendar day in the session zone; 24 hours is not.
		{"+", tys(tTsz, tIv), []types.Datum{tstz("2021-03-13 12:00-05"), iv(0, 1, 0)}, "2021-03-14 16:00:00Z", ""},
		{"+", tys(tTsz, tIv), []types.Datum{tstz("2021-03-13 12:00-05"), iv(0, 0, 24*3_600_000_000)}, "2021-03-14 17:00:00Z", ""},
		{"+", tys(tTsz, tIv), []types.Datum{tstz("2021-01-31 12:00-05"), iv(1, 0, 0)}, "2021-02-28 17:00:00Z", ""},
		{"+", tys(tTsz, tIv), []types.Datum{tstz("2021-11-06 12:00-04"), iv(0, 1, 0)}, "2021-11-07 17:00:00Z", ""},
		{"date_trunc", tys(tTxt, tTsz), []types.Datum{s("day"), tstz("2021-03-14 12:00-04")}, "2021-03-14 05:00:00Z", ""},
		{"date_trunc", tys(tTxt, tTsz), []types.Datum{s("hour"), tstz("2021-11-07 01:30-05")}, "2021-11-07 06:00:00Z", ""},
		{"date_trunc", tys(tTxt, tTsz), []types.Datum{s("month"), tstz("2021-03-14 02:00Z")}, "2021-03-01 05:00:00Z", ""},
		{"date_trunc", tys(tTxt, tTsz), []types.Datum{s("week"), tstz("2021-03-14 12:00-04")}, "2021-03-08 05:00:00Z", ""},
		{"date_trunc", tys(tTxt, tTsz, tTxt), []types.Datum{s("day"), tstz("2021-03-14 12:00-04"), s("UTC")}, "2021-03-14 00:00:00Z", ""},
		{"extract", tys(tTxt, tTsz), []types.Datum{s("epoch"), tstz("2021-03-14 12:00-04")}, "1615737600.000000", ""},
		{"extract", tys(tTxt, tTsz), []types.Datum{s("hour"), tstz("2021-03-14 12:00Z")}, "8", ""},
		{"extract", tys(tTxt, tTsz), []types.Datum{s("timezone"), tstz("2021-03-14 12:00Z")}, "-14400", ""},
		{"extract", tys(tTxt, tTsz), []types.Datum{s("timezone_hour"), tstz("2021-01-14 12:00Z")}, "-5", ""},
		{"extract", tys(tTxt, tTsz), []types.Datum{s("timezone_minute"), tstz("2021-01-14 12:00Z")}, "0", ""},
		{"date_part", tys(tTxt, tTsz), []types.Datum{s("day"), tstz("2021-03-14 02:00Z")}, "13", ""},
		{"age", tys(tTsz, tTsz), []types.Datum{tstz("2021-03-15 00:00-04"), tstz("2021-03-14 00:00-05")}, "0mon 1d 0us", ""},
	})
	// The session zone sets wall-clock fields; DST gaps take the earlier
	// offset, repeated hours the later one.
	loc := ny.Env.Loc
	for _, c := range []struct{ local, want string }{
		{"2021-03-14 02:30", "2021-03-14 07:30:00Z"},
		{"2021-11-07 01:30", "2021-11-07 06:30:00Z"},
		{"2021-07-01 12:00", "2021-07-01 16:00:00Z"},
	} {
		got := render(types.NewTimestamptz(localToUTC(parseWall(c.local), loc)))
		if got != c.want {
			t.Errorf("localToUTC(%s) = %s, want %s", c.local, got, c.want)
		}
	}
}

func TestExtractAndTrunc(t *testing.T) {
	ts := tsd("2020-03-05 14:07:09.123456")
	ex := func(field string, d types.Datum, typ types.Type, want string) evalCase {
		return evalCase{"extract", tys(tTxt, typ), []types.Datum{s(field), d}, want, ""}
	}
	dp := func(field string, d types.Datum, typ types.Type, want string) evalCase {
		return evalCase{"date_part", tys(tTxt, typ), []types.Datum{s(field), d}, want, ""}
	}
	tr := func(field string, d types.Datum, typ types.Type, want string) evalCase {
		return evalCase{"date_trunc", tys(tTxt, typ), []types.Datum{s(field), d}, want, ""}
	}
	ivl := iv(14, 3, ((4*60+5)*60)*1_000_000+6_500_000)
	runCases(t, nil, []evalCase{
		ex("year", ts, tTs, "2020"),
		ex("millisecond", ts, tTs, "9123.456"),
		ex("microseconds", ts, tTs, "9123456"),
		ex("second", tsd("2020-01-01 10:00:05.5"), tTs, "5.500000"),
		ex("epoch", tsd("2020-01-01 10:00:05.5"), tTs, "1577872805.500000"),
		ex("julian", tsd("2020-01-01"), tTs, "2458850.0000000000000000000000000000"),
		ex("julian", tsd("2020-01-01 12:00"), tTs, "2458850.50000000000000000000"),
		ex("MONTH", ts, tTs, "3"),
		ex("hours", ts, tTs, "14"),
		ex("dow", date("2020-03-08"), tDt, "0"),
		ex("isodow", date("2020-03-08"), tDt, "7"),
		ex("doy", date("2020-12-31"), tDt, "366"),
		ex("week", date("2021-01-01"), tDt, "53"),
		ex("isoyear", date("2021-01-01"), tDt, "2020"),
		ex("quarter", date("2020-08-01"), tDt, "3"),
		ex("decade", date("2020-08-01"), tDt, "202"),
		ex("century", date("2000-08-01"), tDt, "20"),
		ex("millennium", date("2001-08-01"), tDt, "3"),
		ex("epoch", date("2020-01-01"), tDt, "1577836800"),
		ex("julian", date("2020-01-01"), tDt, "2458850"),
		ex("year", types.NewDate(daysFromCivil(-43, 3, 15)), tDt, "-44"),
		{"extract", tys(tTxt, tDt), []types.Datum{s("hour"), date("2020-01-01")}, "", notSupErr},
		{"extract", tys(tTxt, tTs), []types.Datum{s("timezone"), ts}, "", notSupErr},
		{"extract", tys(tTxt, tTs), []types.Datum{s("foo"), ts}, "", paramErr},
		ex("epoch", ivl, tIv, "37015506.500000"),
		ex("hour", iv(0, 0, -30*3_600_000_000), tIv, "-30"),
		ex("month", iv(14, 0, 0), tIv, "2"),
		{"extract", tys(tTxt, tIv), []types.Datum{s("week"), iv(0, 1, 0)}, "", notSupErr},
		ex("minute", tod(10, 20, 30), types.TTime, "20"),
		ex("epoch", tod(10, 20, 30.5), types.TTime, "37230.500000"),
		ex("second", tod(10, 20, 30.5), types.TTime, "30.500000"),
		ex("epoch", types.NewTimestamp(types.InfinityMicros), tTs, "Infinity"),
		ex("hour", types.NewTimestamp(types.InfinityMicros), tTs, "NULL"),
		ex("year", types.NewDate(types.NegInfinityDays), tDt, "-Infinity"),
		dp("hour", date("2020-01-01"), tDt, "0"),
		dp("epoch", tsd("2020-01-01 10:00:05.5"), tTs, "1577872805.5"),
		dp("second", tsd("2020-01-01 10:00:05.5"), tTs, "5.5"),
		dp("julian", tsd("2020-01-01 12:00"), tTs, "2458850.5"),
		dp("epoch", ivl, tIv, "37015506.5"),
		tr("quarter", tsd("2020-08-15 10:11"), tTs, "2020-07-01 00:00:00"),
		tr("decade", tsd("2020-08-15"), tTs, "2020-01-01 00:00:00"),
		tr("century", tsd("2000-08-15"), tTs, "1901-01-01 00:00:00"),
		tr("millennium", tsd("2001-08-15"), tTs, "2001-01-01 00:00:00"),
		tr("millisecond", tsd("2020-01-01 00:00:00.123456"), tTs, "2020-01-01 00:00:00.123"),
		tr("week", tsd("2021-01-01"), tTs, "2020-12-28 00:00:00"),
		tr("MINUTES", tsd("2020-01-01 10:11:12"), tTs, "2020-01-01 10:11:00"),
		tr("year", iv(17, 3, 0), tIv, "12mon 0d 0us"),
		tr("hour", iv(0, 3, ((4*60+5)*60+6)*1_000_000), tIv, "0mon 3d 14400000000us"),
		ex("second", tsd("1969-12-31 23:59:59.5"), tTs, "59.500000"),
		ex("epoch", tsd("1969-12-31 23:59:59.5"), tTs, "-0.500000"),
		tr("hour", tsd("1969-12-31 23:59:59.5"), tTs, "1969-12-31 23:00:00"),
		tr("century", types.NewTimestamp(daysFromCivil(-49, 6, 1)*usPerDay), tTs, "0100-01-01 BC 00:00:00"),
		tr("decade", types.NewTimestamp(daysFromCivil(-4, 6, 1)*usPerDay), tTs, "0011-01-01 BC 00:00:00"),
		tr("millennium", tsd("1000-06-01"), tTs, "0001-01-01 00:00:00"),
		tr("week", tsd("0001-01-03"), tTs, "0001-01-01 00:00:00"),
		ex("century", types.NewDate(daysFromCivil(0, 1, 1)), tDt, "-1"),
		ex("decade", types.NewDate(daysFromCivil(-10, 1, 1)), tDt, "-1"),
		ex("millennium", date("1000-12-31"), tDt, "1"),
		ex("isoyear", date("0001-01-01"), tDt, "1"),
		ex("week", types.NewDate(daysFromCivil(0, 1, 1)), tDt, "52"),
		dp("dow", date("0001-01-01"), tDt, "1"),
		{"date_trunc", tys(tTxt, tTs), []types.Datum{s("dow"), ts}, "", paramErr},
		{"date_trunc", tys(tTxt, tTs), []types.Datum{s("foo"), ts}, "", paramErr},
		{"date_trunc", tys(tTxt, tTs), []types.Datum{s("timezone"), ts}, "", notSupErr},
		{"date_trunc", tys(tTxt, tIv), []types.Datum{s("week"), iv(0, 1, 0)}, "", notSupErr},
	})
}
