package sql

import (
	"bytes"
	"context"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// CopySpec describes a COPY ... FROM STDIN or TO STDOUT.
type CopySpec struct {
	Table *catalog.Object
	// Cols are the table columns the data holds, in order.
	Cols   []int
	CSV    bool
	Binary bool
	Delim  byte
	Null   string
	Header bool
	Quote  byte
	Escape byte
	// Types are the data's column types (COPY TO).
	Types []types.Type
	// defaults are the values of the table columns not in Cols.
	defaults []planner.Expr
}

func (s *Session) bindCopy(p *Prepared, b *binder.Binder, c *pg.CopyStmt) error {
	if c.IsProgram || c.Filename != "" {
		return sqlerr.New(sqlerr.InsufficientPrivilege, "COPY to or from a file or program is not allowed; use COPY ... FROM STDIN / TO STDOUT (psql's \\copy)")
	}
	spec := &CopySpec{Delim: '\t', Null: `\N`, Quote: '"', Escape: '"'}
	delimSet, nullSet, escSet := false, false, false
	for _, o := range c.Options {
		d := o.GetDefElem()
		val := ""
		if d.Arg != nil {
			v, err := setArgValue(d.Arg)
			if err != nil {
				return err
			}
			val = v
		}
		switch d.Defname {
		case "format":
			switch strings.ToLower(val) {
			case "text":
			case "csv":
				spec.CSV = true
			case "binary":
				spec.Binary = true
			default:
				return sqlerr.New(sqlerr.InvalidParameterValue, "COPY format \"%s\" not recognized", val)
			}
		case "delimiter":
			if len(val) != 1 {
				return sqlerr.New(sqlerr.FeatureNotSupported, "COPY delimiter must be a single one-byte character")
			}
			spec.Delim, delimSet = val[0], true
		case "null":
			spec.Null, nullSet = val, true
		case "header":
			if d.Arg == nil {
				spec.Header = true
			} else if b, ok := parseBool(val); ok {
				spec.Header = b
			} else {
				return sqlerr.New(sqlerr.InvalidParameterValue, "header requires a Boolean value")
			}
		case "quote":
			if len(val) != 1 {
				return sqlerr.New(sqlerr.FeatureNotSupported, "COPY quote must be a single one-byte character")
			}
			spec.Quote = val[0]
		case "escape":
			if len(val) != 1 {
				return sqlerr.New(sqlerr.FeatureNotSupported, "COPY escape must be a single one-byte character")
			}
			spec.Escape, escSet = val[0], true
		case "encoding":
			if _, err := checkEncoding(val); err != nil {
				return err
			}
		case "freeze":
		default:
			return sqlerr.New(sqlerr.SyntaxError, "option \"%s\" not recognized", d.Defname)
		}
	}
	if spec.CSV {
		if !delimSet {
			spec.Delim = ','
		}
		if !nullSet {
			spec.Null = ""
		}
		if !escSet {
			spec.Escape = spec.Quote
		}
	} else if spec.Header && c.IsFrom {
		return sqlerr.NotSupported("COPY HEADER in text format")
	}
	if spec.Binary && !c.IsFrom {
		return sqlerr.NotSupported("COPY TO in binary format")
	}
	if c.Query != nil {
		if c.IsFrom {
			return sqlerr.New(sqlerr.SyntaxError, "COPY FROM does not take a query")
		}
		res, err := b.Select(c.Query)
		if err != nil {
			return err
		}
		p.plan = res.Plan
		p.Columns = resultColumns(res)
		for _, col := range p.Columns {
			spec.Types = append(spec.Types, col.Type)
		}
		p.CopyOut = spec
		return nil
	}
	rel, err := sessionEnv{s: s}.Relation(c.Relation.Schemaname, c.Relation.Relname)
	if err != nil {
		return err
	}
	if rel.Obj == nil || (c.IsFrom && rel.Obj.Kind != catalog.KindTable) {
		return sqlerr.New(sqlerr.WrongObjectType, "cannot copy %s \"%s\"", map[bool]string{true: "to", false: "from"}[c.IsFrom], c.Relation.Relname)
	}
	t := rel.Obj
	spec.Table = t
	if len(c.Attlist) == 0 {
		for i, col := range t.Columns {
			if !col.Hidden {
				spec.Cols = append(spec.Cols, i)
			}
		}
	} else {
		for _, a := range c.Attlist {
			name := a.GetString_().Sval
			i := t.ColumnIndex(name)
			if i < 0 || t.Columns[i].Hidden {
				return sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, t.Name)
			}
			spec.Cols = append(spec.Cols, i)
		}
	}
	for _, i := range spec.Cols {
		spec.Types = append(spec.Types, t.Columns[i].Type)
	}
	if !c.IsFrom {
		exprs := make([]planner.Expr, len(spec.Cols))
		cols := make([]types.Column, len(spec.Cols))
		for j, i := range spec.Cols {
			exprs[j] = &planner.ColRef{Idx: i, Typ: t.Columns[i].Type, Name: t.Columns[i].Name}
			cols[j] = types.Column{Name: t.Columns[i].Name, Type: t.Columns[i].Type}
		}
		p.plan = &planner.Project{Input: &planner.Scan{Table: t}, Exprs: exprs, Cols: cols}
		p.Columns = cols
		p.CopyOut = spec
		return nil
	}
	spec.defaults = make([]planner.Expr, len(t.Columns))
	in := map[int]bool{}
	for _, i := range spec.Cols {
		in[i] = true
	}
	for i, col := range t.Columns {
		if in[i] || col.Hidden {
			continue
		}
		d, err := b.DefaultExpr(col)
		if err != nil {
			return err
		}
		spec.defaults[i] = d
	}
	p.CopyIn = spec
	return nil
}

// CopyIn receives the data of a COPY ... FROM STDIN.
type CopyIn struct {
	s        *Session
	spec     *CopySpec
	ec       *executor.Context
	own      bool // the COPY runs in its own transaction
	buf      []byte
	line     int
	rows     []types.Row
	defaults types.Row
	count    int64
	done     bool
	header   bool
	cancel   func()
	// binHeader is set once the binary format's header was read.
	binHeader bool
	// binCol is the data column of the binary tuple that the data
	// stopped in, -1 when it stopped before the tuple's fields.
	binCol int
}

// Columns returns the number of columns the data holds.
func (c *CopyIn) Columns() int { return len(c.spec.Cols) }

// Format returns the CopyInResponse format: 0 text/CSV, 1 binary.
func (c *CopyIn) Format() int {
	if c.spec.Binary {
		return 1
	}
	return 0
}

// StartCopyIn begins receiving the rows of a COPY FROM STDIN portal.
func (s *Session) StartCopyIn(ctx context.Context, pt *Portal) (*CopyIn, error) {
	spec := pt.Prepared.CopyIn
	if s.txn != nil && s.txn.failed {
		return nil, sqlerr.New(sqlerr.InFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
	}
	if err := s.revalidateCopy(spec); err != nil {
		return nil, err
	}
	c := &CopyIn{s: s, spec: spec, header: spec.Header, binCol: -1}
	c.own = s.txn == nil
	if c.own {
		s.BeginImplicit()
	}
	if s.txn.readOnly {
		return nil, sqlerr.New(sqlerr.ReadOnlySQLTransaction, "cannot execute COPY FROM in a read-only transaction")
	}
	w := txnWriter{s}
	w.Batch()
	rd, _ := s.reader(false)
	sctx, cancel := s.statementContext(ctx)
	c.cancel = cancel
	c.ec = &executor.Context{Ctx: sctx, Reader: rd, Writer: w, Params: pt.Params, Fn: s.funcContext(sctx)}
	if err := executor.ContextErr(sctx); err != nil {
		// Cancelled before it began (between statements of a Query).
		c.Abort()
		return nil, err
	}
	c.defaults = make(types.Row, len(spec.Table.Columns))
	for i, d := range spec.defaults {
		if d == nil {
			continue
		}
		v, err := executor.Eval(c.ec, d)
		if err != nil {
			c.Abort()
			return nil, err
		}
		c.defaults[i] = v
	}
	return c, nil
}

func (s *Session) revalidateCopy(spec *CopySpec) error {
	if cur, ok := s.eng.Catalog.ByID(spec.Table.ID); !ok || cur != spec.Table {
		return sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" changed since the COPY was prepared", spec.Table.Name)
	}
	return nil
}

// The context (CONTEXT, sqlerr.Error.Where) of an error in the data
// names the table and the line, counted from 1, then the column at fault
// and its value, or else the line itself; when the data stopped between
// lines, it names the line being waited for:
//
//	COPY t, line 2, column id: "x"
//	COPY t, line 3: "1	a	b"
//	COPY t, line 4
//
// Binary data shows no values. Values and lines longer than 100 bytes
// are cut at a character boundary and end in "...", as PostgreSQL shows
// them.

// atLine sets err's context to the line alone, unless it has one.
func (c *CopyIn) atLine(err error, line int) error {
	e := sqlerr.As(err)
	if e.Where != "" {
		return e
	}
	return e.WithWhere("COPY %s, line %d", c.spec.Table.Name, line)
}

// atRecord sets err's context to the current line and its text.
func (c *CopyIn) atRecord(err error, text []byte) error {
	return sqlerr.As(err).WithWhere("COPY %s, line %d: \"%s\"", c.spec.Table.Name, c.line, clip(string(text)))
}

// atColumn sets err's context to the current line and column j of the
// data with its value (none in binary format).
func (c *CopyIn) atColumn(err error, j int, val string) error {
	name := c.spec.Table.Columns[c.spec.Cols[j]].Name
	if c.spec.Binary {
		return sqlerr.As(err).WithWhere("COPY %s, line %d, column %s", c.spec.Table.Name, c.line, name)
	}
	return sqlerr.As(err).WithWhere("COPY %s, line %d, column %s: \"%s\"", c.spec.Table.Name, c.line, name, clip(val))
}

// clip cuts s to at most 100 bytes without splitting a UTF-8 character,
// marking the cut with "...".
func clip(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// Fail ends the COPY on the client's CopyFail message and returns the
// error to report, naming the line the data stopped before.
func (c *CopyIn) Fail(msg string) error {
	c.Abort()
	return c.atLine(sqlerr.New(sqlerr.QueryCanceled, "COPY from stdin failed: %s", msg), c.line+1)
}

// Context is the COPY statement's context: it ends when the statement is
// cancelled, times out or its session is terminated.
func (c *CopyIn) Context() context.Context { return c.ec.Ctx }

// Err returns the statement's error once its context ended (57014 or
// 57P01, naming the line being read), else nil.
func (c *CopyIn) Err() error {
	if err := executor.ContextErr(c.ec.Ctx); err != nil {
		return c.atLine(err, c.line+1)
	}
	return nil
}

// Write takes the next chunk of data (any split: records may span
// chunks). It fails once the statement was cancelled.
func (c *CopyIn) Write(data []byte) error {
	if err := c.Err(); err != nil {
		return err
	}
	if c.done {
		return nil
	}
	c.buf = append(c.buf, data...)
	if err := c.parse(false); err != nil {
		return err
	}
	if len(c.rows) >= 1024 {
		return c.flush()
	}
	return nil
}

// parse consumes complete records from buf.
func (c *CopyIn) parse(final bool) error {
	for !c.done {
		var fields []*string
		var n int
		var ok bool
		var err error
		if c.spec.Binary {
			if !c.binHeader {
				n, ok, err = parseBinaryHeader(c.buf)
				if err != nil {
					return err // before the first line: no context
				}
				if !ok {
					return nil
				}
				c.buf, c.binHeader = c.buf[n:], true
				continue
			}
			var row types.Row
			row, n, ok, err = c.parseBinaryTuple()
			if err != nil {
				c.line++
				return c.atLine(err, c.line)
			}
			if !ok {
				return nil
			}
			c.buf = c.buf[n:]
			c.line++
			if row == nil {
				c.done = true
				return nil
			}
			c.rows = append(c.rows, row)
			continue
		}
		if c.spec.CSV {
			fields, n, ok, err = parseCSVRecord(c.buf, c.spec, final)
		} else {
			fields, n, ok, err = parseTextRecord(c.buf, c.spec, final)
		}
		if err != nil {
			// A quoted field left open: the line is the rest of the data.
			c.line++
			return c.atRecord(err, c.buf)
		}
		if !ok {
			return nil
		}
		rec := lineText(c.buf[:n])
		c.buf = c.buf[n:]
		c.line++
		if fields == nil { // end-of-data marker
			c.done = true
			return nil
		}
		if c.header {
			c.header = false
			continue
		}
		if len(fields) > len(c.spec.Cols) {
			return c.atRecord(sqlerr.New(sqlerr.BadCopyFileFormat, "extra data after last expected column"), rec)
		}
		// Columns are read in order, so that a bad value comes before
		// a missing one (an empty line of text is one empty value).
		row := c.defaults.Copy()
		for j, col := range c.spec.Cols {
			if j >= len(fields) {
				return c.atRecord(sqlerr.New(sqlerr.BadCopyFileFormat, "missing data for column \"%s\"", c.spec.Table.Columns[col].Name), rec)
			}
			f := fields[j]
			if f == nil {
				row[col] = types.Null
				continue
			}
			v, err := types.ParseText(*f, c.spec.Table.Columns[col].Type, c.s.env)
			if err != nil {
				return c.atColumn(err, j, *f)
			}
			row[col] = v
		}
		c.rows = append(c.rows, row)
	}
	return nil
}

var binarySignature = []byte("PGCOPY\n\xff\r\n\x00")

// parseBinaryHeader reads the binary COPY header: signature, flags,
// header extension.
func parseBinaryHeader(buf []byte) (int, bool, error) {
	if len(buf) < len(binarySignature)+8 {
		return 0, false, nil
	}
	if !bytes.Equal(buf[:len(binarySignature)], binarySignature) {
		return 0, false, sqlerr.New(sqlerr.BadCopyFileFormat, "COPY file signature not recognized")
	}
	p := len(binarySignature)
	flags := binary.BigEndian.Uint32(buf[p:])
	if flags&(1<<16) != 0 {
		return 0, false, sqlerr.New(sqlerr.BadCopyFileFormat, "invalid COPY file header (WITH OIDS)")
	}
	ext := int(binary.BigEndian.Uint32(buf[p+4:]))
	if ext < 0 || ext > 1<<20 {
		return 0, false, sqlerr.New(sqlerr.BadCopyFileFormat, "invalid COPY file header (wrong length)")
	}
	if len(buf) < p+8+ext {
		return 0, false, nil
	}
	return p + 8 + ext, true, nil
}

// parseBinaryTuple reads one binary tuple: a field count (-1 ends the
// data), then each field's length (-1 = NULL) and bytes.
func (c *CopyIn) parseBinaryTuple() (types.Row, int, bool, error) {
	buf := c.buf
	c.binCol = -1
	if len(buf) < 2 {
		return nil, 0, false, nil
	}
	nf := int16(binary.BigEndian.Uint16(buf))
	if nf == -1 {
		return nil, 2, true, nil
	}
	if int(nf) != len(c.spec.Cols) {
		return nil, 0, false, sqlerr.New(sqlerr.BadCopyFileFormat, "row field count is %d, expected %d", nf, len(c.spec.Cols))
	}
	p := 2
	row := c.defaults.Copy()
	for j := 0; j < int(nf); j++ {
		c.binCol = j
		if len(buf) < p+4 {
			return nil, 0, false, nil
		}
		l := int(int32(binary.BigEndian.Uint32(buf[p:])))
		p += 4
		col := c.spec.Cols[j]
		if l == -1 {
			row[col] = types.Null
			continue
		}
		if l < 0 {
			return nil, 0, false, sqlerr.New(sqlerr.BadCopyFileFormat, "invalid field size")
		}
		if len(buf) < p+l {
			return nil, 0, false, nil
		}
		v, err := types.DecodeBinary(buf[p:p+l], c.spec.Table.Columns[col].Type)
		if err != nil {
			return nil, 0, false, sqlerr.As(err).WithWhere("COPY %s, line %d, column %s", c.spec.Table.Name, c.line+1, c.spec.Table.Columns[col].Name)
		}
		row[col] = v
		p += l
	}
	return row, p, true, nil
}

// lineText is a record without its line end.
func lineText(rec []byte) []byte {
	rec = bytes.TrimSuffix(rec, []byte("\n"))
	return bytes.TrimSuffix(rec, []byte("\r"))
}

func (c *CopyIn) flush() error {
	if len(c.rows) == 0 {
		return nil
	}
	n, err := executor.InsertRows(c.ec, c.spec.Table, c.rows, c.spec.Table.OnConflict == "DO NOTHING", nil)
	c.count += n
	c.rows = c.rows[:0]
	if err != nil {
		return c.atLine(err, c.line)
	}
	return nil
}

// Done ends the data, writes what is left and commits (when the COPY has
// its own transaction). It returns the command tag.
func (c *CopyIn) Done() (string, error) {
	defer c.cancel()
	if err := c.Err(); err != nil {
		c.abortTxn()
		return "", err
	}
	if err := c.parse(true); err != nil {
		c.abortTxn()
		return "", err
	}
	if len(c.buf) > 0 && !c.done {
		c.abortTxn()
		c.line++
		if c.spec.Binary {
			err := sqlerr.New(sqlerr.BadCopyFileFormat, "unexpected EOF in COPY data")
			if c.binCol >= 0 {
				return "", c.atColumn(err, c.binCol, "")
			}
			return "", c.atLine(err, c.line)
		}
		return "", c.atRecord(sqlerr.New(sqlerr.BadCopyFileFormat, "unterminated CSV quoted field"), c.buf)
	}
	if err := c.flush(); err != nil {
		c.abortTxn()
		return "", err
	}
	if c.own {
		if err := c.s.commit(); err != nil {
			return "", err
		}
	}
	return "COPY " + strconv.FormatInt(c.count, 10), nil
}

// Abort discards the COPY (CopyFail or an error).
func (c *CopyIn) Abort() {
	c.cancel()
	c.abortTxn()
}

func (c *CopyIn) abortTxn() {
	if c.own {
		c.s.rollback()
	} else if c.s.txn != nil {
		c.s.txn.failed = c.s.txn.explicit
	}
}

// parseTextRecord reads one line of COPY text format. fields nil with ok
// means the end-of-data marker; a nil field is NULL.
func parseTextRecord(buf []byte, spec *CopySpec, final bool) ([]*string, int, bool, error) {
	end := bytes.IndexByte(buf, '\n')
	n := end + 1
	if end < 0 {
		if !final || len(buf) == 0 {
			return nil, 0, false, nil
		}
		end, n = len(buf), len(buf)
	}
	line := buf[:end]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if string(line) == `\.` {
		return nil, n, true, nil
	}
	var fields []*string
	var cur []byte
	start := 0
	emit := func(i int) {
		// The NULL string is matched against the field as written,
		// before escapes are applied.
		if string(line[start:i]) == spec.Null {
			fields = append(fields, nil)
		} else {
			s := string(cur)
			fields = append(fields, &s)
		}
		cur, start = cur[:0], i+1
	}
	for i := 0; i < len(line); i++ {
		ch := line[i]
		if ch == spec.Delim {
			emit(i)
			continue
		}
		if ch != '\\' || i+1 >= len(line) {
			cur = append(cur, ch)
			continue
		}
		i++
		switch e := line[i]; e {
		case 'b':
			cur = append(cur, '\b')
		case 'f':
			cur = append(cur, '\f')
		case 'n':
			cur = append(cur, '\n')
		case 'r':
			cur = append(cur, '\r')
		case 't':
			cur = append(cur, '\t')
		case 'v':
			cur = append(cur, '\v')
		case 'x':
			v, k := 0, 0
			for k < 2 && i+1 < len(line) && isHex(line[i+1]) {
				i++
				v = v*16 + hexVal(line[i])
				k++
			}
			if k == 0 {
				cur = append(cur, 'x')
			} else {
				cur = append(cur, byte(v))
			}
		default:
			if e >= '0' && e <= '7' {
				v := int(e - '0')
				for k := 0; k < 2 && i+1 < len(line) && line[i+1] >= '0' && line[i+1] <= '7'; k++ {
					i++
					v = v*8 + int(line[i]-'0')
				}
				cur = append(cur, byte(v))
			} else {
				cur = append(cur, e)
			}
		}
	}
	emit(len(line))
	return fields, n, true, nil
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

func hexVal(b byte) int {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0')
	case b >= 'a' && b <= 'f':
		return int(b-'a') + 10
	}
	return int(b-'A') + 10
}

// parseCSVRecord reads one CSV record (quoted fields may hold newlines).
// An unquoted field equal to the NULL string is NULL; a quoted one never is.
func parseCSVRecord(buf []byte, spec *CopySpec, final bool) ([]*string, int, bool, error) {
	if len(buf) == 0 {
		return nil, 0, false, nil
	}
	// End-of-data marker alone on a line.
	if bytes.HasPrefix(buf, []byte(`\.`)) {
		rest := buf[2:]
		if len(rest) == 0 && final || bytes.HasPrefix(rest, []byte("\n")) || bytes.HasPrefix(rest, []byte("\r\n")) {
			n := 2
			if len(rest) > 0 {
				n = 2 + bytes.IndexByte(rest, '\n') + 1
			}
			return nil, n, true, nil
		}
	}
	var fields []*string
	var cur []byte
	quoted, inQuote := false, false
	i := 0
	emit := func() {
		if !quoted && string(cur) == spec.Null {
			fields = append(fields, nil)
		} else {
			s := string(cur)
			fields = append(fields, &s)
		}
		cur, quoted = nil, false
	}
	for i < len(buf) {
		ch := buf[i]
		if inQuote {
			switch {
			case ch == spec.Escape && i+1 < len(buf) && buf[i+1] == spec.Quote && (spec.Escape != spec.Quote || true):
				if spec.Escape == spec.Quote {
					// "" inside quotes is a literal quote; a lone " ends the quote.
					cur = append(cur, spec.Quote)
					i += 2
					continue
				}
				cur = append(cur, spec.Quote)
				i += 2
				continue
			case ch == spec.Quote:
				inQuote = false
				i++
				continue
			case ch == spec.Escape && spec.Escape != spec.Quote && i+1 < len(buf) && buf[i+1] == spec.Escape:
				cur = append(cur, spec.Escape)
				i += 2
				continue
			}
			if ch == spec.Escape && i+1 >= len(buf) && !final {
				return nil, 0, false, nil
			}
			cur = append(cur, ch)
			i++
			continue
		}
		switch {
		case ch == spec.Quote:
			inQuote, quoted = true, true
			i++
		case ch == spec.Delim:
			emit()
			i++
		case ch == '\n':
			emit()
			return fields, i + 1, true, nil
		case ch == '\r' && i+1 < len(buf) && buf[i+1] == '\n':
			emit()
			return fields, i + 2, true, nil
		default:
			cur = append(cur, ch)
			i++
		}
	}
	if !final {
		return nil, 0, false, nil
	}
	if inQuote {
		return nil, 0, false, sqlerr.New(sqlerr.BadCopyFileFormat, "unterminated CSV quoted field")
	}
	emit()
	return fields, len(buf), true, nil
}

// CopyHeader returns the header line of a COPY TO in CSV format with
// HEADER, or nil.
func (s *Session) CopyHeader(spec *CopySpec, cols []types.Column) []byte {
	if !spec.Header || !spec.CSV {
		return nil
	}
	row := make(types.Row, len(cols))
	hs := &CopySpec{CSV: true, Delim: spec.Delim, Quote: spec.Quote, Escape: spec.Escape, Null: spec.Null, Types: make([]types.Type, len(cols))}
	for i, c := range cols {
		row[i] = types.NewString(c.Name)
		hs.Types[i] = types.TText
	}
	return s.AppendCopyRow(nil, hs, row)
}

// AppendCopyRow formats a row for COPY TO in the spec's format.
func (s *Session) AppendCopyRow(b []byte, spec *CopySpec, row types.Row) []byte {
	for i, v := range row {
		if i > 0 {
			b = append(b, spec.Delim)
		}
		if v.IsNull() {
			b = append(b, spec.Null...)
			continue
		}
		text := types.FormatText(v, spec.Types[i], s.env)
		if spec.CSV {
			if text == "" || strings.ContainsAny(text, string([]byte{spec.Delim, spec.Quote, '\n', '\r'})) || text == spec.Null {
				b = append(b, spec.Quote)
				for j := 0; j < len(text); j++ {
					if text[j] == spec.Quote || text[j] == spec.Escape {
						b = append(b, spec.Escape)
					}
					b = append(b, text[j])
				}
				b = append(b, spec.Quote)
			} else {
				b = append(b, text...)
			}
			continue
		}
		for j := 0; j < len(text); j++ {
			switch c := text[j]; c {
			case '\\':
				b = append(b, '\\', '\\')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				if c == spec.Delim {
					b = append(b, '\\')
				}
				b = append(b, c)
			}
		}
	}
	return append(b, '\n')
}
