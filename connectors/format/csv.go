package format

import (
	"bytes"
	"strings"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// csvDecoder decodes FORMAT PLAIN ENCODE CSV (delimiter = ',',
// without_header = 'false'): one record is one line whose fields fill the
// payload columns by position.
//
// Fields follow RFC 4180 quoting ("a ""b""" is `a "b"`). As in
// PostgreSQL's COPY ... CSV, an unquoted empty field is NULL and a quoted
// one ("") the empty string; every other field is read with the column
// type's text input. A line with fewer fields than columns leaves the
// rest NULL; more fields is an error. With a header (without_header
// false, the default) a record whose fields are the payload column names,
// in order and ignoring case, is the header and yields no row.
type csvDecoder struct {
	columnLayout
	delim  byte
	header bool

	fields []string
	quoted []bool
	buf    []byte
	row    types.Row
}

func newCSVDecoder(cols []connectors.Column, options map[string]string) (*csvDecoder, error) {
	opts := connectors.NewOptions(options)
	delim := opts.String("delimiter", ",")
	withoutHeader := strings.ToLower(strings.TrimSpace(opts.String("without_header", "false")))
	if err := opts.Err(); err != nil {
		return nil, err
	}
	switch delim {
	case `\t`:
		delim = "\t"
	}
	if len(delim) != 1 || delim[0] == '"' || delim[0] == '\n' || delim[0] == '\r' {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for ENCODE CSV option \"delimiter\": %q (one byte other than a quote or newline)", delim)
	}
	d := &csvDecoder{columnLayout: newLayout(cols), delim: delim[0], row: make(types.Row, len(cols))}
	switch withoutHeader {
	case "true":
	case "false":
		d.header = true
	default:
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for ENCODE CSV option \"without_header\": %q (true or false)", withoutHeader)
	}
	for _, i := range d.payload {
		if err := checkColumnType(cols[i], CSV); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *csvDecoder) MaxRows() int { return 1 }

func (d *csvDecoder) Decode(key, value []byte, meta types.Row, c *chunk.Chunk) (int, error) {
	if len(value) == 0 {
		return 0, nil
	}
	if err := d.split(value); err != nil {
		return 0, err
	}
	if d.header && d.isHeader() {
		return 0, nil
	}
	if len(d.fields) > len(d.payload) {
		return 0, sqlerr.New(sqlerr.BadCopyFileFormat, "CSV record has %d fields, the source has %d columns", len(d.fields), len(d.payload))
	}
	row := d.row
	for k, i := range d.payload {
		if k >= len(d.fields) || (d.fields[k] == "" && !d.quoted[k]) {
			row[i] = types.Null
			continue
		}
		dt, err := types.ParseText(d.fields[k], d.cols[i].Type, env)
		if err != nil {
			return 0, columnError(d.cols[i].Name, err)
		}
		row[i] = dt
	}
	d.fillMeta(row, meta)
	c.AppendRow(chunk.Insert, row)
	return 1, nil
}

func (d *csvDecoder) isHeader() bool {
	if len(d.fields) != len(d.payload) {
		return false
	}
	for k, i := range d.payload {
		if !strings.EqualFold(strings.TrimSpace(d.fields[k]), d.cols[i].Name) {
			return false
		}
	}
	return true
}

// split reads one CSV line (a final \n or \r\n is dropped) into d.fields.
func (d *csvDecoder) split(b []byte) error {
	d.fields, d.quoted = d.fields[:0], d.quoted[:0]
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	i := 0
	for {
		if i < len(b) && b[i] == '"' {
			i++
			d.buf = d.buf[:0]
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					return sqlerr.New(sqlerr.BadCopyFileFormat, "unterminated CSV quoted field")
				}
				d.buf = append(d.buf, b[i:i+j]...)
				i += j + 1
				if i < len(b) && b[i] == '"' {
					d.buf = append(d.buf, '"')
					i++
					continue
				}
				break
			}
			d.fields = append(d.fields, string(d.buf))
			d.quoted = append(d.quoted, true)
			if i == len(b) {
				return nil
			}
			if b[i] != d.delim {
				return sqlerr.New(sqlerr.BadCopyFileFormat, "unexpected character %q after a quoted CSV field", b[i])
			}
			i++
			continue
		}
		end := len(b)
		if j := bytes.IndexByte(b[i:], d.delim); j >= 0 {
			end = i + j
		}
		f := b[i:end]
		if bytes.IndexByte(f, '\n') >= 0 || bytes.IndexByte(f, '\r') >= 0 {
			return sqlerr.New(sqlerr.BadCopyFileFormat, "a CSV record must hold one line")
		}
		d.fields = append(d.fields, string(f))
		d.quoted = append(d.quoted, false)
		if end == len(b) {
			return nil
		}
		i = end + 1
	}
}
