package format

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// env is how text values are read: UTC, PostgreSQL's defaults.
var env = types.DefaultEnv

type jsonMode uint8

const (
	modePlain jsonMode = iota
	modeUpsert
	modeDebezium
)

// jsonDecoder decodes FORMAT PLAIN | UPSERT | DEBEZIUM ENCODE JSON.
type jsonDecoder struct {
	columnLayout
	mode jsonMode
	// pk is the primary key (nil: unknown); pkPayload its payload columns.
	pk        []int
	pkPayload []int
	// hasIncludeKey: an INCLUDE KEY column identifies deleted rows.
	hasIncludeKey bool
	base64Bytea   bool

	// folded maps a payload column's ASCII lower-case name to the first
	// such column.
	folded map[string]int

	// vp parses values, kp keys: a value's fields stay valid while the
	// key is parsed.
	vp, kp fastjson.Parser

	// Scratch for lookup: the field found for each column position.
	vals  []*fastjson.Value
	visit func(k []byte, v *fastjson.Value)
	fold  []byte

	row, row2 types.Row
	buf       []byte
}

func newJSONDecoder(cols []connectors.Column, format string, pk []int) (*jsonDecoder, error) {
	d := &jsonDecoder{
		columnLayout: newLayout(cols),
		folded:       make(map[string]int, len(cols)),
		vals:         make([]*fastjson.Value, len(cols)),
		row:          make(types.Row, len(cols)),
		row2:         make(types.Row, len(cols)),
	}
	switch format {
	case Upsert:
		d.mode = modeUpsert
	case Debezium:
		d.mode = modeDebezium
		d.base64Bytea = true
	}
	if d.mode != modePlain && pk != nil {
		d.pk = pk
		for _, i := range pk {
			if cols[i].Include == "" {
				d.pkPayload = append(d.pkPayload, i)
			}
		}
	}
	for _, i := range d.include {
		if strings.EqualFold(cols[i].Include, "KEY") {
			d.hasIncludeKey = true
		}
	}
	for _, i := range d.payload {
		c := cols[i]
		if err := checkColumnType(c, JSON); err != nil {
			return nil, err
		}
		low := string(appendLower(nil, []byte(c.Name)))
		if _, dup := d.folded[low]; !dup {
			d.folded[low] = i
		}
	}
	d.visit = d.visitFolded
	return d, nil
}

func (d *jsonDecoder) MaxRows() int {
	if d.mode == modeDebezium {
		return 2
	}
	return 1
}

func (d *jsonDecoder) Decode(key, value []byte, meta types.Row, c *chunk.Chunk) (int, error) {
	switch d.mode {
	case modeUpsert:
		return d.decodeUpsert(key, value, meta, c)
	case modeDebezium:
		return d.decodeDebezium(key, value, meta, c)
	}
	if len(value) == 0 {
		return 0, nil
	}
	o, err := parseObject(&d.vp, value, "value")
	if err != nil {
		return 0, err
	}
	if err := d.fillPayload(o, d.row); err != nil {
		return 0, err
	}
	d.fillMeta(d.row, meta)
	c.AppendRow(chunk.Insert, d.row)
	return 1, nil
}

// decodeUpsert: a value is an Insert that replaces the row with the same
// key; no value (a tombstone) deletes the key's row.
func (d *jsonDecoder) decodeUpsert(key, value []byte, meta types.Row, c *chunk.Chunk) (int, error) {
	row := d.row
	if len(value) == 0 {
		if err := d.keyRow(key, meta, row); err != nil {
			return 0, err
		}
		c.AppendRow(chunk.Delete, row)
		return 1, nil
	}
	o, err := parseObject(&d.vp, value, "value")
	if err != nil {
		return 0, err
	}
	if err := d.fillPayload(o, row); err != nil {
		return 0, err
	}
	d.fillMeta(row, meta)
	if err := d.completeKey(key, row); err != nil {
		return 0, err
	}
	c.AppendRow(chunk.Insert, row)
	return 1, nil
}

// decodeDebezium reads a Debezium change event, with or without the
// {"schema": ..., "payload": ...} wrapper.
func (d *jsonDecoder) decodeDebezium(key, value []byte, meta types.Row, c *chunk.Chunk) (int, error) {
	if len(value) == 0 {
		return 0, nil // the tombstone Kafka compaction follows a delete with
	}
	ev, err := parseObject(&d.vp, value, "value")
	if err != nil {
		return 0, err
	}
	if ev.Get("op") == nil {
		if p := ev.Get("payload"); p != nil {
			switch p.Type() {
			case fastjson.TypeNull:
				return 0, nil
			case fastjson.TypeObject:
				ev, _ = p.Object()
			default:
				return 0, sqlerr.New(sqlerr.InvalidParameterValue, "Debezium event: \"payload\" is a JSON %s, not an object", p.Type())
			}
		}
	}
	opv := ev.Get("op")
	if opv == nil || opv.Type() != fastjson.TypeString {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "Debezium event without an \"op\" string")
	}
	op, _ := opv.StringBytes()
	before, bok := objectField(ev, "before")
	after, aok := objectField(ev, "after")
	switch string(op) {
	case "c", "r":
		if !aok {
			return 0, sqlerr.New(sqlerr.InvalidParameterValue, "Debezium %q event without an \"after\" object", op)
		}
		if err := d.imageRow(after, meta, d.row); err != nil {
			return 0, err
		}
		c.AppendRow(chunk.Insert, d.row)
		return 1, nil
	case "u":
		if !aok {
			return 0, sqlerr.New(sqlerr.InvalidParameterValue, "Debezium \"u\" event without an \"after\" object")
		}
		if !bok {
			if d.pk == nil {
				return 0, sqlerr.New(sqlerr.InvalidParameterValue, "Debezium \"u\" event without a \"before\" image (the table needs a primary key, or the upstream table REPLICA IDENTITY FULL)")
			}
			if err := d.imageRow(after, meta, d.row); err != nil {
				return 0, err
			}
			if err := d.completeKey(key, d.row); err != nil {
				return 0, err
			}
			c.AppendRow(chunk.Insert, d.row)
			return 1, nil
		}
		if err := d.imageRow(before, meta, d.row); err != nil {
			return 0, err
		}
		if err := d.imageRow(after, meta, d.row2); err != nil {
			return 0, err
		}
		c.AppendRow(chunk.UpdateDelete, d.row)
		c.AppendRow(chunk.UpdateInsert, d.row2)
		return 2, nil
	case "d":
		if bok {
			if err := d.imageRow(before, meta, d.row); err != nil {
				return 0, err
			}
		} else {
			if d.pk == nil {
				return 0, sqlerr.New(sqlerr.InvalidParameterValue, "Debezium \"d\" event without a \"before\" image (the table needs a primary key, or the upstream table REPLICA IDENTITY FULL)")
			}
			if err := d.keyRow(key, meta, d.row); err != nil {
				return 0, err
			}
		}
		c.AppendRow(chunk.Delete, d.row)
		return 1, nil
	}
	return 0, sqlerr.New(sqlerr.InvalidParameterValue, "unsupported Debezium op %q", op)
}

// objectField returns o's field name when it is a JSON object.
func objectField(o *fastjson.Object, name string) (*fastjson.Object, bool) {
	v := o.Get(name)
	if v == nil || v.Type() != fastjson.TypeObject {
		return nil, false
	}
	obj, _ := v.Object()
	return obj, true
}

// imageRow fills row from one row image and meta.
func (d *jsonDecoder) imageRow(o *fastjson.Object, meta, row types.Row) error {
	if err := d.fillPayload(o, row); err != nil {
		return err
	}
	d.fillMeta(row, meta)
	return nil
}

// keyRow fills row with the columns that identify a deleted row: the
// Include columns (INCLUDE KEY) and the payload columns the Kafka key
// holds; the other columns are NULL.
func (d *jsonDecoder) keyRow(key []byte, meta, row types.Row) error {
	for _, i := range d.payload {
		row[i] = types.Null
	}
	d.fillMeta(row, meta)
	var keyErr error
	if len(key) > 0 && (d.pk == nil || len(d.pkPayload) > 0) {
		keyErr = d.fillFromKey(key, row)
	}
	if d.pk != nil {
		for _, i := range d.pk {
			if row[i].IsNull() {
				if keyErr != nil {
					return keyErr
				}
				return sqlerr.New(sqlerr.InvalidParameterValue, "the record's key does not give primary key column \"%s\"", d.cols[i].Name)
			}
		}
		return nil
	}
	for _, dt := range row {
		if !dt.IsNull() {
			return nil
		}
	}
	if keyErr != nil {
		return keyErr
	}
	return sqlerr.New(sqlerr.InvalidParameterValue, "a delete whose key identifies no column (the key must be a JSON object of key columns, or INCLUDE KEY)")
}

// completeKey fills primary-key columns the value left NULL from the
// Kafka key.
func (d *jsonDecoder) completeKey(key []byte, row types.Row) error {
	missing := false
	for _, i := range d.pkPayload {
		if row[i].IsNull() {
			missing = true
		}
	}
	if !missing {
		return nil
	}
	var keyErr error
	if len(key) > 0 {
		keyErr = d.fillFromKey(key, row)
	}
	for _, i := range d.pk {
		if row[i].IsNull() {
			if keyErr != nil {
				return keyErr
			}
			return sqlerr.New(sqlerr.NotNullViolation, "primary key column \"%s\" is NULL", d.cols[i].Name)
		}
	}
	return nil
}

// fillFromKey parses the Kafka key as JSON and fills the NULL payload
// columns it holds (the primary-key columns only, when the key is known):
// an object by field names (a Debezium key's "payload" unwrapped), a
// scalar into the one primary-key column.
func (d *jsonDecoder) fillFromKey(key []byte, row types.Row) error {
	kv, err := d.kp.ParseBytes(key)
	if err != nil {
		return sqlerr.New(sqlerr.InvalidJSONText, "invalid JSON in record key: %v", err)
	}
	if kv.Type() != fastjson.TypeObject {
		if len(d.pkPayload) != 1 {
			return sqlerr.New(sqlerr.InvalidParameterValue, "record key is a JSON %s, not an object of key columns", kv.Type())
		}
		i := d.pkPayload[0]
		dt, err := d.convert(kv, d.cols[i].Type)
		if err != nil {
			return columnError(d.cols[i].Name, err)
		}
		row[i] = dt
		return nil
	}
	o, _ := kv.Object()
	if o.Get("schema") != nil {
		if p, ok := objectField(o, "payload"); ok {
			o = p
		}
	}
	d.lookup(o)
	cols := d.payload
	if d.pk != nil {
		cols = d.pkPayload
	}
	for _, i := range cols {
		v := d.vals[i]
		if v == nil || !row[i].IsNull() {
			continue
		}
		dt, err := d.convert(v, d.cols[i].Type)
		if err != nil {
			return columnError(d.cols[i].Name, err)
		}
		row[i] = dt
	}
	return nil
}

// parseObject parses b as a JSON object.
func parseObject(p *fastjson.Parser, b []byte, what string) (*fastjson.Object, error) {
	v, err := p.ParseBytes(b)
	if err != nil {
		return nil, sqlerr.New(sqlerr.InvalidJSONText, "invalid JSON in record %s: %v", what, err)
	}
	o, err := v.Object()
	if err != nil {
		return nil, sqlerr.New(sqlerr.InvalidJSONText, "record %s is a JSON %s, not an object", what, v.Type())
	}
	return o, nil
}

// fillPayload sets row's payload columns from o's fields.
func (d *jsonDecoder) fillPayload(o *fastjson.Object, row types.Row) error {
	d.lookup(o)
	for _, i := range d.payload {
		v := d.vals[i]
		if v == nil {
			row[i] = types.Null
			continue
		}
		dt, err := d.convert(v, d.cols[i].Type)
		if err != nil {
			return columnError(d.cols[i].Name, err)
		}
		row[i] = dt
	}
	return nil
}

// lookup finds each payload column's field in o: an exact name match
// wins, else the first ASCII case-insensitive one. Exact lookups scan
// o's fields by name (faster than hashing for the usual few columns);
// one pass over the fields then resolves the columns still missing.
func (d *jsonDecoder) lookup(o *fastjson.Object) {
	missing := false
	for _, i := range d.payload {
		v := o.Get(d.cols[i].Name)
		d.vals[i] = v
		missing = missing || v == nil
	}
	if missing {
		o.Visit(d.visit)
	}
}

// visitFolded fills a missing column from a field whose name matches it
// case-insensitively.
func (d *jsonDecoder) visitFolded(k []byte, v *fastjson.Value) {
	d.fold = appendLower(d.fold[:0], k)
	if i, ok := d.folded[string(d.fold)]; ok && d.vals[i] == nil {
		d.vals[i] = v
	}
}

func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// convert turns one JSON value into a datum of type t.
func (d *jsonDecoder) convert(v *fastjson.Value, t types.Type) (types.Datum, error) {
	jt := v.Type()
	if jt == fastjson.TypeNull {
		return types.Null, nil
	}
	switch t.ID {
	case types.Json, types.Jsonb:
		d.buf = v.MarshalTo(d.buf[:0])
		return types.ParseText(string(d.buf), t, env)
	case types.Array:
		if jt == fastjson.TypeArray {
			elems, _ := v.Array()
			et := types.Type{ID: t.Elem, Mod: t.Mod}
			out := make([]types.Datum, len(elems))
			for i, e := range elems {
				x, err := d.convert(e, et)
				if err != nil {
					return types.Null, err
				}
				out[i] = x
			}
			return types.NewArray(out), nil
		}
	}
	switch jt {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		if t.ID == types.Bytea && d.base64Bytea {
			raw, err := base64.StdEncoding.DecodeString(string(b))
			if err != nil {
				return types.Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid base64 for type bytea: %q", b)
			}
			return types.NewBytes(raw), nil
		}
		if t.ID == types.Timestamptz || t.ID == types.Timestamp {
			if dt, ok := fastTimestamp(b, t); ok {
				if t.Mod == 0 {
					return dt, nil
				}
				return types.ApplyTypmod(dt, t)
			}
		}
		return types.ParseText(string(b), t, env)
	case fastjson.TypeNumber:
		return d.fromNumber(v, t)
	case fastjson.TypeTrue, fastjson.TypeFalse:
		if t.ID == types.Bool {
			return types.NewBool(jt == fastjson.TypeTrue), nil
		}
		if t.IsString() {
			return types.ParseText(jt.String(), t, env)
		}
	case fastjson.TypeObject, fastjson.TypeArray:
		if t.IsString() {
			d.buf = v.MarshalTo(d.buf[:0])
			return types.ParseText(string(d.buf), t, env)
		}
	}
	return types.Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "cannot convert a JSON %s to type %s", jt, t)
}

// fromNumber converts a JSON number.
func (d *jsonDecoder) fromNumber(v *fastjson.Value, t types.Type) (types.Datum, error) {
	if t.IsInteger() {
		if n, err := v.Int64(); err == nil && intFits(n, t) {
			return types.NewInt(n), nil
		}
	} else if t.ID == types.Float8 {
		if f, err := v.Float64(); err == nil && f != 0 && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return types.NewFloat(f), nil
		}
	}
	d.buf = v.MarshalTo(d.buf[:0])
	raw := string(d.buf)
	switch {
	case t.IsInteger():
		dt, err := types.ParseText(raw, t, env)
		if err == nil {
			return dt, nil
		}
		// An integral number written with a fraction or an exponent.
		if f, ferr := strconv.ParseFloat(raw, 64); ferr == nil && f == math.Trunc(f) {
			if f >= -(1<<63) && f < 1<<63 && intFits(int64(f), t) {
				return types.NewInt(int64(f)), nil
			}
			return types.Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "value %s is out of range for type %s", raw, t)
		}
		return types.Null, err
	case t.IsNumeric(), t.IsOIDLike():
		return types.ParseText(raw, t, env)
	case t.IsString():
		if _, err := strconv.ParseFloat(raw, 64); err != nil && !isRangeErr(err) {
			return types.Null, sqlerr.New(sqlerr.InvalidJSONText, "invalid JSON number %s", raw)
		}
		return types.ParseText(raw, t, env)
	case t.ID == types.Date:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return types.Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "a number for type date must be an integer (days since 1970-01-01): %s", raw)
		}
		if n < math.MinInt32+1 || n > math.MaxInt32-1 {
			return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range: %s", raw)
		}
		return types.NewDate(n), nil
	case t.ID == types.Time:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 || n > 24*3600*1000000 {
			return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "a number for type time must be microseconds since midnight: %s", raw)
		}
		return types.ApplyTypmod(types.NewTime(n), t)
	case t.ID == types.Timestamp || t.ID == types.Timestamptz:
		us, err := epochMicros(raw)
		if err != nil {
			return types.Null, err
		}
		if t.ID == types.Timestamp {
			return types.ApplyTypmod(types.NewTimestamp(us), t)
		}
		return types.ApplyTypmod(types.NewTimestamptz(us), t)
	}
	return types.Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "cannot convert a JSON number to type %s", t)
}

// fastTimestamp reads the common RFC 3339 form
// (2024-01-02T03:04:05.123Z or +hh:mm, at most microseconds, year 1 to
// 9999, offsets up to 15:59) without
// PostgreSQL's general date/time parser; ok is false for anything else,
// which then goes to types.ParseText. A timestamp without time zone
// ignores the offset, as PostgreSQL does.
func fastTimestamp(b []byte, t types.Type) (types.Datum, bool) {
	if len(b) < 20 || len(b) > 32 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' ||
		string(b[:4]) == "0000" {
		return types.Null, false
	}
	// The suffix: [.1 to 6 digits] then Z or ±hh:mm within PostgreSQL's
	// offset range.
	i := 19
	if b[i] == '.' {
		j := i + 1
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if n := j - i - 1; n < 1 || n > 6 {
			return types.Null, false
		}
		i = j
	}
	switch rest := b[i:]; {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
		'0' <= rest[1] && rest[1] <= '1' && '0' <= rest[2] && rest[2] <= '9' && (rest[1] == '0' || rest[2] <= '5'):
	default:
		return types.Null, false
	}
	// time.Parse keeps no reference to its input on success; on failure
	// its error (which does) is dropped here.
	ts, err := time.Parse(time.RFC3339Nano, unsafe.String(&b[0], len(b)))
	if err != nil {
		return types.Null, false
	}
	if t.ID == types.Timestamp {
		ts = time.Date(ts.Year(), ts.Month(), ts.Day(), ts.Hour(), ts.Minute(), ts.Second(), ts.Nanosecond(), time.UTC)
		return types.NewTimestamp(ts.UnixMicro()), true
	}
	return types.NewTimestamptz(ts.UnixMicro()), true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func intFits(n int64, t types.Type) bool {
	switch t.ID {
	case types.Int2:
		return n >= math.MinInt16 && n <= math.MaxInt16
	case types.Int4:
		return n >= math.MinInt32 && n <= math.MaxInt32
	}
	return true
}

// epochMicros reads a UNIX time whose unit follows its magnitude, as
// RisingWave's int-to-timestamptz does: below 1e11 seconds, below 1e14
// milliseconds, below 1e17 microseconds, else nanoseconds (magnitudes of
// negative values alike). Fractions are kept to the microsecond.
func epochMicros(raw string) (int64, error) {
	if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
		a := n
		if a < 0 {
			a = -a
		}
		switch {
		case a < 0: // MinInt64
			return n / 1000, nil
		case a < 1e11:
			return n * 1000000, nil
		case a < 1e14:
			return n * 1000, nil
		case a < 1e17:
			return n, nil
		}
		return n / 1000, nil
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid number for a timestamp: %s", raw)
	}
	a := math.Abs(f)
	switch {
	case a < 1e11:
		f *= 1e6
	case a < 1e14:
		f *= 1e3
	case a < 1e17:
	default:
		f /= 1e3
	}
	if f >= 1<<63 || f < -(1<<63) {
		return 0, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range: %s", raw)
	}
	return int64(math.Round(f)), nil
}
