package sql

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// setting describes one session variable (a GUC in PostgreSQL's terms).
type setting struct {
	name     string // canonical name as SHOW ALL prints it
	def      string
	desc     string
	readOnly bool
	// report: sent to the client in a ParameterStatus message whenever it
	// changes (PostgreSQL's GUC_REPORT).
	report bool
	// check normalises a new value or rejects it.
	check func(v string) (string, error)
	// listQuote: the value is a list of identifiers, and SET quotes each
	// of its arguments as one (PostgreSQL's GUC_LIST_QUOTE).
	listQuote bool
}

// ServerVersion is what server_version reports: a PostgreSQL 15 version
// first (psql and drivers parse the leading major.minor), then Eddy's.
const ServerVersion = "15.0 (Eddy 0.1.0)"

// ServerVersionNum is server_version_num.
const ServerVersionNum = "150000"

var settingList = []*setting{
	{name: "application_name", report: true, desc: "Sets the application name to be reported in statistics and logs."},
	{name: "client_encoding", def: "UTF8", report: true, desc: "Sets the client's character set encoding.", check: checkEncoding},
	{name: "DateStyle", def: "ISO, MDY", report: true, desc: "Sets the display format for date and time values.", check: checkDateStyle},
	{name: "default_transaction_read_only", def: "off", report: true, desc: "Sets the default read-only status of new transactions.", check: checkBool},
	{name: "default_transaction_isolation", def: "read committed", desc: "Sets the transaction isolation level of each new transaction."},
	{name: "in_hot_standby", def: "off", report: true, readOnly: true, desc: "Shows whether hot standby is currently active."},
	{name: "integer_datetimes", def: "on", report: true, readOnly: true, desc: "Shows whether datetimes are integer based."},
	{name: "IntervalStyle", def: "postgres", report: true, desc: "Sets the display format for interval values.", check: checkIntervalStyle},
	{name: "is_superuser", def: "on", report: true, readOnly: true, desc: "Shows whether the current user is a superuser."},
	{name: "server_encoding", def: "UTF8", report: true, readOnly: true, desc: "Shows the server (database) character set encoding."},
	{name: "server_version", def: ServerVersion, report: true, readOnly: true, desc: "Shows the server version."},
	{name: "server_version_num", def: ServerVersionNum, readOnly: true, desc: "Shows the server version as an integer."},
	{name: "session_authorization", report: true, readOnly: true, desc: "Sets the session user name."},
	{name: "standard_conforming_strings", def: "on", report: true, desc: "Causes '...' strings to treat backslashes literally.", check: checkOn},
	{name: "TimeZone", def: "UTC", report: true, desc: "Sets the time zone for displaying and interpreting time stamps.", check: checkTimeZone},
	{name: "search_path", def: `"$user", public`, listQuote: true, check: checkSearchPath, desc: "Sets the schema search order for names that are not schema-qualified."},
	{name: "extra_float_digits", def: "1", desc: "Sets the number of digits displayed for floating-point values.", check: checkFloatDigits},
	{name: "statement_timeout", def: "0", desc: "Sets the maximum allowed duration of any statement (milliseconds; 0 disables).", check: checkDuration},
	{name: "lock_timeout", def: "0", desc: "Sets the maximum allowed duration of any wait for a lock.", check: checkDuration},
	{name: "idle_in_transaction_session_timeout", def: "0", desc: "Sets the maximum allowed idle time between queries, when in a transaction.", check: checkDuration},
	{name: "transaction_isolation", def: "read committed", desc: "Sets the current transaction's isolation level."},
	{name: "transaction_read_only", def: "off", desc: "Sets the current transaction's read-only status.", check: checkBool},
	{name: "client_min_messages", def: "notice", desc: "Sets the message levels that are sent to the client."},
	{name: "bytea_output", def: "hex", desc: "Sets the output format for bytea.", check: checkHex},
	{name: "max_identifier_length", def: "63", readOnly: true, desc: "Shows the maximum identifier length."},
	{name: "lc_collate", def: "C.UTF-8", readOnly: true, desc: "Shows the collation order locale."},
	{name: "lc_ctype", def: "C.UTF-8", readOnly: true, desc: "Shows the character classification and case conversion locale."},
	{name: "lc_messages", def: "C", desc: "Sets the language in which messages are displayed."},
	{name: "lc_monetary", def: "C", desc: "Sets the locale for formatting monetary amounts."},
	{name: "lc_numeric", def: "C", desc: "Sets the locale for formatting numbers."},
	{name: "lc_time", def: "C", desc: "Sets the locale for formatting date and time values."},
	{name: "max_connections", def: "1000", readOnly: true, desc: "Sets the maximum number of concurrent connections."},
	{name: "block_size", def: "8192", readOnly: true, desc: "Shows the size of a disk block."},
	{name: "synchronous_commit", def: "on", desc: "Sets the current transaction's synchronization level."},
	{name: "row_security", def: "on", desc: "Enable row security."},
	{name: "jit", def: "off", desc: "Allow JIT compilation."},
	{name: "rw_implicit_flush", def: "false", desc: "Makes every INSERT/UPDATE/DELETE wait until all materialized views reflect it.", check: checkBoolWord},
	{name: "barrier_interval_ms", def: "1000", desc: "How often materialized views commit a checkpoint (milliseconds).", check: checkPositiveInt},
	{name: "streaming_parallelism", def: "default", desc: "Parallelism of new streaming jobs."},
	{name: "query_mode", def: "auto", desc: "Batch query execution mode."},
}

// settingsMu guards settingList and settingsByName, which grow when a
// custom (dotted) setting is first SET.
var settingsMu sync.Mutex

var settingsByName = func() map[string]*setting {
	m := make(map[string]*setting, len(settingList))
	for _, s := range settingList {
		m[strings.ToLower(s.name)] = s
	}
	return m
}()

// settingAliases maps the other names SET and SHOW accept.
var settingAliases = map[string]string{
	"timezone":  "timezone",
	"time zone": "timezone",
	"names":     "client_encoding",
	"session characteristics as transaction isolation level": "default_transaction_isolation",
	"transaction isolation level":                            "transaction_isolation",
}

func lookupSetting(name string) (*setting, bool) {
	n := strings.ToLower(name)
	if a, ok := settingAliases[n]; ok {
		n = a
	}
	settingsMu.Lock()
	s, ok := settingsByName[n]
	settingsMu.Unlock()
	return s, ok
}

func sortedSettings() []*setting {
	settingsMu.Lock()
	out := append([]*setting(nil), settingList...)
	settingsMu.Unlock()
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].name) < strings.ToLower(out[j].name) })
	return out
}

func invalidValue(name, v string) error {
	return sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"%s\": \"%s\"", name, v)
}

func checkEncoding(v string) (string, error) {
	switch strings.ToUpper(strings.ReplaceAll(strings.ReplaceAll(v, "-", ""), "_", "")) {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	}
	return "", sqlerr.New(sqlerr.FeatureNotSupported, "feature not supported: client_encoding %s (only UTF8)", v)
}

func checkDateStyle(v string) (string, error) {
	// Output is always ISO; accept the spellings clients send.
	style, order := "ISO", "MDY"
	for _, part := range strings.Split(v, ",") {
		switch p := strings.ToUpper(strings.TrimSpace(part)); p {
		case "ISO", "":
		case "MDY", "DMY", "YMD":
			order = p
		case "US", "NONEURO", "NONEUROPEAN":
			order = "MDY"
		case "EURO", "EUROPEAN":
			order = "DMY"
		case "DEFAULT":
		default:
			return "", sqlerr.New(sqlerr.FeatureNotSupported, "feature not supported: DateStyle %s (only ISO)", v)
		}
	}
	return style + ", " + order, nil
}

func checkIntervalStyle(v string) (string, error) {
	if strings.EqualFold(v, "postgres") {
		return "postgres", nil
	}
	return "", sqlerr.New(sqlerr.FeatureNotSupported, "feature not supported: IntervalStyle %s (only postgres)", v)
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1", "t", "y":
		return true, true
	case "off", "false", "no", "0", "f", "n":
		return false, true
	}
	return false, false
}

func checkBool(v string) (string, error) {
	b, ok := parseBool(v)
	if !ok {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "parameter requires a Boolean value")
	}
	if b {
		return "on", nil
	}
	return "off", nil
}

func checkBoolWord(v string) (string, error) {
	b, ok := parseBool(v)
	if !ok {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "parameter requires a Boolean value")
	}
	return strconv.FormatBool(b), nil
}

func checkOn(v string) (string, error) {
	b, ok := parseBool(v)
	if !ok || !b {
		return "", sqlerr.New(sqlerr.FeatureNotSupported, "feature not supported: standard_conforming_strings = off")
	}
	return "on", nil
}

func checkHex(v string) (string, error) {
	if strings.EqualFold(v, "hex") {
		return "hex", nil
	}
	return "", sqlerr.New(sqlerr.FeatureNotSupported, "feature not supported: bytea_output %s (only hex)", v)
}

func checkFloatDigits(v string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"extra_float_digits\": \"%s\"", v)
	}
	if n < -15 || n > 3 {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "%d is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)", n)
	}
	return strconv.Itoa(n), nil
}

func checkPositiveInt(v string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid value \"%s\": a positive integer is required", v)
	}
	return strconv.Itoa(n), nil
}

// checkDuration accepts milliseconds or a number with a unit (us, ms, s,
// min, h, d; fractions are rounded to milliseconds) and stores the value
// as PostgreSQL shows it: in the largest unit that holds it exactly
// ("100ms", "1s", "2min"; "0" disables).
func checkDuration(v string) (string, error) {
	d, err := parseDurationMS(v)
	if err != nil {
		return "", err
	}
	return formatDurationMS(d), nil
}

// durationUnits are the units of time settings, largest first.
var durationUnits = []struct {
	suffix string
	ms     float64
}{{"d", 86400000}, {"h", 3600000}, {"min", 60000}, {"ms", 1}, {"us", 0.001}, {"s", 1000}}

func parseDurationMS(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	unit := 1.0
	for _, u := range durationUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, unit = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.ms
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	ms := math.RoundToEven(n * unit)
	if err != nil || math.IsNaN(n) || ms < 0 || ms > math.MaxInt32 {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for a time setting: \"%s\"", v)
	}
	return int64(ms), nil
}

// formatDurationMS writes milliseconds in the largest unit that holds them
// exactly, as SHOW prints a time setting.
func formatDurationMS(ms int64) string {
	if ms == 0 {
		return "0"
	}
	for _, u := range durationUnits {
		if n := int64(u.ms); n >= 1000 && ms%n == 0 {
			return strconv.FormatInt(ms/n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(ms, 10) + "ms"
}

// loadLocation resolves a TimeZone value.
func loadLocation(v string) (*time.Location, string, error) {
	s := strings.TrimSpace(v)
	switch strings.ToUpper(s) {
	case "UTC", "Z", "ZULU", "ETC/UTC", "UCT", "UNIVERSAL":
		return time.UTC, "UTC", nil
	case "GMT", "ETC/GMT":
		return time.UTC, "GMT", nil
	case "LOCAL", "DEFAULT":
		return time.UTC, "UTC", nil
	}
	if loc, ok := zoneCache.Load(s); ok {
		return loc.(*time.Location), s, nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" {
		return nil, "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": \"%s\"", v)
	}
	zoneCache.Store(s, loc)
	return loc, s, nil
}

// zoneCache holds the zones loadLocation has read (time.LoadLocation
// reads the zone file each time): name -> *time.Location.
var zoneCache sync.Map

func checkTimeZone(v string) (string, error) {
	_, name, err := loadLocation(v)
	return name, err
}

// What the end of a transaction does to a setting the transaction
// changed. A commit keeps a SET, undoes a SET LOCAL, and after SET then
// SET LOCAL restores the SET's value; a rollback restores the value the
// setting had before the transaction changed it. These are PostgreSQL's
// rules (guc.c), savepoints aside (Eddy has none).
const (
	commitKeeps          = iota // SET (or SET LOCAL, then SET)
	commitRestoresPrior         // SET LOCAL only
	commitRestoresMasked        // SET, then SET LOCAL
)

// savedSetting is the state of a setting changed in a transaction.
type savedSetting struct {
	st     *setting
	prior  string // the value before the transaction changed it
	state  int
	masked string // commitRestoresMasked: the value SET gave
}

// remember records a change to st (whose value is cur) in the
// transaction, before it is made.
func (t *txn) remember(st *setting, cur string, local bool) {
	key := strings.ToLower(st.name)
	sv := t.saved[key]
	if sv == nil {
		if t.saved == nil {
			t.saved = map[string]*savedSetting{}
		}
		sv = &savedSetting{st: st, prior: cur, state: commitKeeps}
		if local {
			sv.state = commitRestoresPrior
		}
		t.saved[key] = sv
		return
	}
	switch {
	case !local:
		sv.state, sv.masked = commitKeeps, ""
	case sv.state == commitKeeps:
		sv.state, sv.masked = commitRestoresMasked, cur
	}
}

// endSettings applies the end of transaction t, committed or not, to the
// settings it changed.
func (s *Session) endSettings(t *txn, committed bool) {
	keys := make([]string, 0, len(t.saved))
	for k := range t.saved {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		sv := t.saved[k]
		v := sv.prior
		if committed {
			switch sv.state {
			case commitKeeps:
				continue
			case commitRestoresMasked:
				v = sv.masked
			}
		}
		if s.vars[k] != v {
			// The value was valid when it was set.
			_ = s.apply(sv.st, v)
		}
	}
}
