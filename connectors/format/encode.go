package format

import (
	"encoding/base64"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/types"
)

// JSON output of rows (sinks). Values follow RisingWave's JSON encoding
// where it is unambiguous and PostgreSQL's text forms otherwise:
//
//	boolean            true / false
//	integers, floats   numbers (NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity")
//	numeric            a number with the exact digits (NaN, ±Infinity as strings)
//	text types, uuid   strings
//	bytea              base64 string
//	date, time         "2026-11-22", "09:30:00.5" (PostgreSQL text)
//	timestamp          "2026-11-22 09:30:00.000000"
//	timestamptz        "2026-11-22 09:30:00.000000Z" (UTC)
//	interval           PostgreSQL text ("1 day 02:00:00")
//	json, jsonb        the value itself
//	arrays             JSON arrays
//	NULL               null

// AppendJSONRow appends row as a JSON object with one member per column.
func AppendJSONRow(b []byte, cols []connectors.Column, row types.Row) []byte {
	b = append(b, '{')
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, c.Name)
		b = append(b, ':')
		b = AppendJSONValue(b, row[i], c.Type)
	}
	return append(b, '}')
}

// AppendJSONColumns appends the columns at positions idx of row as a JSON
// object (a Kafka key built from a primary key).
func AppendJSONColumns(b []byte, cols []connectors.Column, row types.Row, idx []int) []byte {
	b = append(b, '{')
	for n, i := range idx {
		if n > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, cols[i].Name)
		b = append(b, ':')
		b = AppendJSONValue(b, row[i], cols[i].Type)
	}
	return append(b, '}')
}

// AppendJSONValue appends one value of type t.
func AppendJSONValue(b []byte, d types.Datum, t types.Type) []byte {
	if d.IsNull() {
		return append(b, "null"...)
	}
	switch t.ID {
	case types.Bool:
		return strconv.AppendBool(b, d.Bool())
	case types.Int2, types.Int4, types.Int8:
		return strconv.AppendInt(b, d.Int(), 10)
	case types.Oid, types.Regclass, types.Regtype, types.Regproc, types.Regnamespace, types.Regrole,
		types.Regprocedure, types.Regoperator:
		return strconv.AppendUint(b, uint64(uint32(d.Int())), 10)
	case types.Float4, types.Float8:
		f := d.Float()
		switch {
		case math.IsNaN(f):
			return append(b, `"NaN"`...)
		case math.IsInf(f, 1):
			return append(b, `"Infinity"`...)
		case math.IsInf(f, -1):
			return append(b, `"-Infinity"`...)
		}
		bits := 64
		if t.ID == types.Float4 {
			bits = 32
		}
		return strconv.AppendFloat(b, f, 'g', -1, bits)
	case types.Numeric:
		s := types.AppendText(nil, d, t, nil)
		if len(s) > 0 && (s[0] == 'N' || s[0] == 'I' || (s[0] == '-' && len(s) > 1 && s[1] == 'I')) {
			return AppendJSONString(b, string(s))
		}
		return append(b, s...)
	case types.Json, types.Jsonb:
		return append(b, d.Str()...)
	case types.Bytea:
		raw := d.BytesStr()
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, []byte(raw))
		return append(b, '"')
	case types.Timestamp:
		return appendQuotedTime(b, d.Micros(), false)
	case types.Timestamptz:
		return appendQuotedTime(b, d.Micros(), true)
	case types.Array:
		elem := types.Type{ID: t.Elem, Mod: t.Mod}
		b = append(b, '[')
		for i, e := range d.Array() {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONValue(b, e, elem)
		}
		return append(b, ']')
	}
	return AppendJSONString(b, types.FormatText(d, t, nil))
}

func appendQuotedTime(b []byte, us int64, utc bool) []byte {
	b = append(b, '"')
	b = time.UnixMicro(us).UTC().AppendFormat(b, "2006-01-02 15:04:05.000000")
	if utc {
		b = append(b, 'Z')
	}
	return append(b, '"')
}

// AppendJSONString appends s as a JSON string.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
