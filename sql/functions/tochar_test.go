package functions

import (
	"testing"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Expected values checked against PostgreSQL 15.
func TestToCharDateTime(t *testing.T) {
	tc := func(d types.Datum, typ types.Type, format, want string) evalCase {
		return evalCase{"to_char", tys(typ, tTxt), []types.Datum{d, s(format)}, want, ""}
	}
	ts := tsd("2020-03-05 14:07:09.123456")
	runCases(t, nil, []evalCase{
		tc(ts, tTs, "YYYY-MM-DD HH24:MI:SS.MS.US HH12 HH am PM a.m. Mon MON mon Month| Dy DY dy Day| DDD D ID WW IW Q CC J SSSS Y,YYY YYY YY Y IYYY TZ",
			"2020-03-05 14:07:09.123.123456 02 02 pm PM p.m. Mar MAR mar March    | Thu THU thu Thursday | 065 5 4 10 10 1 21 2458914 50829 2,020 020 20 0 2020 "),
		tc(tsd("2020-03-05 04:07:09"), tTs, "FMMonth FMDay FMDD FMHH12 FMMM DDth DDTH FMDDth", "March Thursday 5 4 3 05th 05TH 5th"),
		tc(tsd("2020-03-01 00:00:00"), tTs, `DDth, DDTH, HH12:MI AM, "quoted YYYY" \\YYYY`, `01st, 01ST, 12:00 AM, quoted YYYY \\2020`),
		tc(iv(0, 1, ((2*60+3)*60+4)*1_000_000), tIv, "DD HH24:MI:SS", "01 02:03:04"),
		tc(types.NewTimestamp(types.InfinityMicros), tTs, "YYYY", "NULL"),
		tc(iv(0, 0, 0), tIv, "HH", "12"),
		tc(iv(0, 0, -5*3_600_000_000-3*60_000_000), tIv, "HH24:MI:SS HH12", "-05:-03:00 -05"),
		tc(iv(0, -3, 0), tIv, "DD DDD", "-3 -03"),
		tc(iv(-14, 0, 0), tIv, "MM", "-02"),
		tc(iv(-480, 0, 0), tIv, "YYYY", "-0040"),
		{"to_char", tys(tIv, tTxt), []types.Datum{iv(1, 0, 0), s("Mon")}, "", sqlerr.InvalidDatetimeFormat},
	})
	ny := zoneCtx(t, "America/New_York")
	runCases(t, ny, []evalCase{
		tc(tstz("2020-07-05 14:07:09Z"), tTsz, "YYYY-MM-DD HH24:MI:SS TZ tz OF TZH TZM", "2020-07-05 10:07:09 EDT edt -04 -04 00"),
	})
	kolkata := zoneCtx(t, "Asia/Kolkata")
	runCases(t, kolkata, []evalCase{
		tc(tstz("2020-07-05 14:07:09Z"), tTsz, "HH24:MI TZ OF TZH:TZM", "19:37 IST +05:30 +05:30"),
	})
	bc := types.NewTimestamp(daysFromCivil(-43, 3, 15) * usPerDay)
	runCases(t, nil, []evalCase{
		tc(bc, tTs, "YYYY BC AD b.c. Y,YYY", "0044 BC BC b.c. 0,044"),
		tc(types.NewTimestamp(daysFromCivil(0, 1, 3)*usPerDay), tTs, "YYYY-MM-DD BC IYYY", "0001-01-03 BC 0001"),
	})
}

func TestToCharNumber(t *testing.T) {
	tc := func(d types.Datum, typ types.Type, format, want string) evalCase {
		return evalCase{"to_char", tys(typ, tTxt), []types.Datum{d, s(format)}, want, ""}
	}
	for _, c := range []struct{ v, format, want string }{
		{"12345.678", "99,999.99", " 12,345.68"},
		{"-12.5", "999.99", " -12.50"},
		{"0.5", "9.99", "  .50"},
		{"0.5", "0.99", " 0.50"},
		{"5", "000", " 005"},
		{"5", "FM999", "5"},
		{"123456", "999", " ###"},
		{"-5", "S999", "  -5"},
		{"5", "S999", "  +5"},
		{"-5", "999MI", "  5-"},
		{"5", "999PL", "   5+"},
		{"-5", "999PR", "  <5>"},
		{"1234.5", "FM9999.00", "1234.50"},
		{"1234.5", "FM9999.99", "1234.5"},
		{"1.5", "9D99", " 1.50"},
		{"1234", "9G999", " 1,234"},
		{"12", "99th", " 12th"},
		{"3", "9th", " 3rd"},
		{"13", "99TH", " 13TH"},
		{"740150879", "99th", " ##"},
		{"1e10", "9.99EEEE", " 1.00e+10"},
		{"1.5", "9.9EEEE", " 1.5e+00"},
		{"-0.1", "FM9.99", "-.1"},
		{"0", "9.99", "  .00"},
		{"0", "FM9.99", "0."},
		{"100", "FM999.", "100"},
		{"0.5", "FM9.99", ".5"},
		{"0", "FM990.99", "0."},
		{"0", "FM9.00", ".00"},
		{"0", "9", " 0"},
		{"0", "FM9", "0"},
		{"10", "FM9.9", "#.#"},
		{"-0.5", "9.99", " -.50"},
		{"-0.5", "FM0.99", "-0.5"},
		{"12", "9999", "   12"},
		{"12", "FM0999", "0012"},
		{"-12", "0999", "-0012"},
		{"1234567.891", "9,999,999.999", " 1,234,567.891"},
		{"-1234567.891", "FM9,999,999.999", "-1,234,567.891"},
		{"12", "9 9", " 1 2"},
		{"12", "x99y", "x 12y"},
		{"-12", "S99", "-12"},
		{"12", "99S", "12+"},
		{"-12", "SG99", "-12"},
		{"12", "PL99", "+ 12"},
		{"2.5", "9", " 3"},
		{"1.5", "99V9", "  15"},
		{"-12", "99PR", "<12>"},
		{"12", "99PR", " 12 "},
	} {
		runCases(t, nil, []evalCase{tc(n(c.v), tNum, c.format, c.want)})
	}
	runCases(t, nil, []evalCase{
		tc(f(3.14159), tF8, "9.999", " 3.142"),
		tc(f(2.5), tF8, "9", " 2"),
		tc(f(0.125), tF8, "9.99", "  .12"),
		tc(i(123456789), types.TInt8, "999999999", " 123456789"),
		tc(i(-42), tInt, "FM999", "-42"),
		tc(f(-0.0006), tF8, "FM9.99", "-0."),
		tc(f(-0.0011553361463360113), tF8, "999,999.99", "       -.00"),
		tc(f(-0.4), tF8, "9", "-0"),
		tc(n("-0.0006"), tNum, "FM9.99", "0."),
		tc(n("-0.4"), tNum, "9", " 0"),
	})
}

func TestToTimestamp(t *testing.T) {
	tt := func(in, format, want string) evalCase {
		return evalCase{"to_timestamp", T2, []types.Datum{s(in), s(format)}, want, ""}
	}
	bad := func(in, format, code string) evalCase {
		return evalCase{"to_timestamp", T2, []types.Datum{s(in), s(format)}, "", code}
	}
	runCases(t, nil, []evalCase{
		tt("2020-03-05 14:07:09", "YYYY-MM-DD HH24:MI:SS", "2020-03-05 14:07:09Z"),
		tt("05 Mar 2020 2:07 PM", "DD Mon YYYY HH12:MI AM", "2020-03-05 14:07:00Z"),
		tt("10:30", "HH24:MI", "0001-01-01 BC 10:30:00Z"),
		tt("2020-03-05 14:07:09.123", "YYYY-MM-DD HH24:MI:SS.MS", "2020-03-05 14:07:09.123Z"),
		tt("20200305", "YYYYMMDD", "2020-03-05 00:00:00Z"),
		tt("2020-03-05 14:07 +05:30", "YYYY-MM-DD HH24:MI TZH:TZM", "2020-03-05 08:37:00Z"),
		tt("2020/3/5", "YYYY/MM/DD", "2020-03-05 00:00:00Z"),
		tt("  2020-03-05", "YYYY-MM-DD", "2020-03-05 00:00:00Z"),
		tt("12 AM", "HH12 AM", "0001-01-01 BC 00:00:00Z"),
		bad("2020-13-01", "YYYY-MM-DD", dtErr),
		bad("2020-02-30", "YYYY-MM-DD", dtErr),
		bad("13 PM", "HH12 AM", dtErr),
		bad("2020-xx-01", "YYYY-MM-DD", sqlerr.InvalidDatetimeFormat),
		{"to_date", T2, []types.Datum{s("March 5, 2020"), s("Month DD, YYYY")}, "2020-03-05", ""},
		{"to_date", T2, []types.Datum{s("2020-13-01"), s("YYYY-MM-DD")}, "", dtErr},
	})
	ny := zoneCtx(t, "America/New_York")
	runCases(t, ny, []evalCase{tt("2020-07-01 12:00", "YYYY-MM-DD HH24:MI", "2020-07-01 16:00:00Z")})
}
