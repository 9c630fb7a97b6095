package fs

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/connectors/format"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

func init() {
	connectors.RegisterSink(&connectors.SinkConnector{
		Name:     "fs",
		Validate: Validate,
		Open:     Open,
	})
}

// epochDigits is the width of the zero-padded epoch in file names.
const epochDigits = 20

// config is a sink's parsed options.
type config struct {
	dir  string
	name string // the sink's name, the files' prefix
	ext  string // ".jsonl" or ".parquet"
}

func parseConfig(spec *connectors.SinkSpec) (*config, error) {
	o := connectors.NewOptions(spec.With)
	dir := o.String("fs.path", "")
	typ := o.String("type", "")
	// Read by the engine, which turns a retract stream into inserts.
	o.String("force_append_only", "")
	o.String("primary_key", "")
	o.String("snapshot", "")
	if err := o.Err(); err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "missing option \"fs.path\" in WITH (...)")
	}
	if !filepath.IsAbs(dir) {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"fs.path\": %q is not an absolute path", dir)
	}
	if typ != "" && typ != "append-only" {
		return nil, sqlerr.NotSupported("fs sink of type '%s'", typ).
			WithHint("A file sink can only append: use type = 'append-only', with force_append_only = 'true' if the view has updates or deletes.")
	}
	if spec.Name == "" || strings.ContainsAny(spec.Name, "/\x00") || spec.Name == "." || spec.Name == ".." {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "sink name %q cannot be used in a file name", spec.Name)
	}
	c := &config{dir: filepath.Clean(dir), name: spec.Name}
	switch spec.Format {
	case "", "PLAIN":
	default:
		return nil, sqlerr.NotSupported("FORMAT %s for the fs sink", spec.Format).WithHint("Use FORMAT PLAIN.")
	}
	switch spec.Encode {
	case "JSON":
		c.ext = ".jsonl"
	case "PARQUET":
		c.ext = ".parquet"
	case "":
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "the fs sink needs FORMAT PLAIN ENCODE JSON or FORMAT PLAIN ENCODE PARQUET")
	default:
		return nil, sqlerr.NotSupported("ENCODE %s for the fs sink", spec.Encode).WithHint("Use ENCODE JSON or ENCODE PARQUET.")
	}
	if len(spec.EncodeOptions) > 0 {
		keys := make([]string, 0, len(spec.EncodeOptions))
		for k := range spec.EncodeOptions {
			keys = append(keys, strconv.Quote(k))
		}
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "unknown ENCODE %s option(s) %s", spec.Encode, strings.Join(keys, ", "))
	}
	return c, nil
}

// Validate checks the options, that the sink's input is append-only, and
// that fs.path is a directory Eddy can write (creating it when missing).
func Validate(ctx context.Context, spec *connectors.SinkSpec) error {
	c, err := parseConfig(spec)
	if err != nil {
		return err
	}
	if !spec.AppendOnly {
		return sqlerr.NotSupported("fs sink over a view with updates or deletes").
			WithHint("Add force_append_only = 'true' to WITH (...) to write only the inserts.")
	}
	if err := makeDir(c.dir); err != nil {
		return err
	}
	probe, err := os.CreateTemp(c.dir, ".eddy-probe-*")
	if err != nil {
		return notWritable(c.dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

func makeDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return notWritable(dir, err)
	}
	return nil
}

func notWritable(dir string, err error) error {
	if pe, ok := err.(*os.PathError); ok {
		err = pe.Err
	}
	return sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"fs.path\": cannot write to directory %q: %v", dir, err)
}

// Writer writes one sink's epochs as files. It is used by one goroutine.
type Writer struct {
	c    *config
	cols []connectors.Column
	pq   *parquetSchema // ENCODE PARQUET
	buf  []byte         // one JSON line
}

var _ connectors.SinkWriter = (*Writer)(nil)

// Open returns a writer for the sink, creating its directory if it has
// gone and removing the temporary files a crash left behind.
func Open(ctx context.Context, spec *connectors.SinkSpec) (connectors.SinkWriter, error) {
	c, err := parseConfig(spec)
	if err != nil {
		return nil, err
	}
	if err := makeDir(c.dir); err != nil {
		return nil, err
	}
	w := &Writer{c: c, cols: spec.Columns}
	if c.ext == ".parquet" {
		w.pq = newParquetSchema(spec.Name, spec.Columns)
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, notWritable(c.dir, err)
	}
	for _, e := range entries {
		if w.isTemp(e.Name()) {
			if err := os.Remove(filepath.Join(c.dir, e.Name())); err != nil && !os.IsNotExist(err) {
				return nil, err
			}
		}
	}
	return w, nil
}

// fileName returns the name of epoch's file.
func (w *Writer) fileName(epoch uint64) string {
	return fmt.Sprintf("%s-%0*d%s", w.c.name, epochDigits, epoch, w.c.ext)
}

// parseName returns the epoch of one of this sink's files.
func (w *Writer) parseName(name string) (uint64, bool) {
	rest, ok := strings.CutPrefix(name, w.c.name+"-")
	if !ok {
		return 0, false
	}
	digits, ok := strings.CutSuffix(rest, w.c.ext)
	if !ok || len(digits) != epochDigits {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	epoch, err := strconv.ParseUint(digits, 10, 64)
	return epoch, err == nil
}

// isTemp reports whether name is a temporary file of this sink:
// .<file name>.tmp-<random>.
func (w *Writer) isTemp(name string) bool {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return false
	}
	i := strings.LastIndex(rest, ".tmp-")
	if i < 0 {
		return false
	}
	_, ok = w.parseName(rest[:i])
	return ok
}

// Delivered returns the largest epoch among the sink's files (0 if none).
func (w *Writer) Delivered(ctx context.Context) (uint64, error) {
	entries, err := os.ReadDir(w.c.dir)
	if err != nil {
		return 0, err
	}
	var last uint64
	for _, e := range entries {
		if epoch, ok := w.parseName(e.Name()); ok && epoch > last && e.Type().IsRegular() {
			last = epoch
		}
	}
	return last, nil
}

// Write writes epoch's rows into one file, replacing the epoch's file if
// it exists. An epoch without rows writes nothing.
func (w *Writer) Write(ctx context.Context, epoch uint64, changes []connectors.Change) error {
	if len(changes) == 0 {
		return nil
	}
	for _, ch := range changes {
		if ch.Op != chunk.Insert {
			return sqlerr.NotSupported("fs sink \"%s\" received a %s change: a file sink takes inserts only", w.c.name, ch.Op)
		}
	}
	if err := w.writeEpoch(epoch, changes); err != nil {
		return fmt.Errorf("fs sink \"%s\": epoch %d: %w", w.c.name, epoch, err)
	}
	return nil
}

func (w *Writer) writeEpoch(epoch uint64, changes []connectors.Change) error {
	final := filepath.Join(w.c.dir, w.fileName(epoch))
	tmp, err := os.CreateTemp(w.c.dir, "."+w.fileName(epoch)+".tmp-*")
	if err != nil {
		return err
	}
	if err := w.writeFile(tmp, changes); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return syncDir(w.c.dir)
}

// writeFile encodes the rows into f and syncs it.
func (w *Writer) writeFile(f *os.File, changes []connectors.Change) error {
	bw := bufio.NewWriterSize(f, 256<<10)
	var err error
	if w.pq != nil {
		err = w.pq.write(bw, changes)
	} else {
		err = w.writeJSON(bw, changes)
	}
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Sync()
}

func (w *Writer) writeJSON(out io.Writer, changes []connectors.Change) error {
	for _, ch := range changes {
		w.buf = format.AppendJSONRow(w.buf[:0], w.cols, ch.Row)
		w.buf = append(w.buf, '\n')
		if _, err := out.Write(w.buf); err != nil {
			return err
		}
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Close releases nothing: every Write closes its file.
func (w *Writer) Close() error { return nil }
