package clients

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// TestPgxBatch sends several statements as one pgx.Batch, in the
// extended protocol (one pipeline, one Sync) and in the simple protocol
// (one multi-statement Query). A failing statement in a batch undoes the
// batch's earlier statements: the batch is one implicit transaction.
func TestPgxBatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode pgx.QueryExecMode
	}{
		{"extended", pgx.QueryExecModeCacheStatement},
		{"simple", pgx.QueryExecModeSimpleProtocol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := startTarget(t, false)
			table := "pgx_batch_" + tc.name
			dropTables(t, tg, table)
			ctx := testContext(t)
			var notices noticeLog
			conn := connectPgx(t, tg, tc.mode, &notices)
			if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" (id int PRIMARY KEY, name text, qty bigint)"); err != nil {
				t.Fatal(err)
			}

			b := &pgx.Batch{}
			ins := "INSERT INTO " + table + " (id, name, qty) VALUES ($1, $2, $3)"
			b.Queue(ins, 1, "one", int64(10))
			b.Queue(ins, 2, "two", int64(20))
			b.Queue(ins, 3, "three", nil)
			b.Queue("UPDATE "+table+" SET qty = qty + $1 WHERE id = $2", int64(5), 1)
			b.Queue("DELETE FROM "+table+" WHERE id = $1", 2)
			b.Queue("SELECT id, name, qty FROM "+table+" WHERE id >= $1 ORDER BY id", 0)
			b.Queue("SELECT name FROM "+table+" WHERE id = $1", 3)
			br := conn.SendBatch(ctx, b)
			for _, want := range []string{"INSERT 0 1", "INSERT 0 1", "INSERT 0 1", "UPDATE 1", "DELETE 1"} {
				tag, err := br.Exec()
				if err != nil {
					t.Fatalf("batch statement (want %s): %v", want, err)
				}
				if tag.String() != want {
					t.Errorf("batch tag %q, want %q", tag, want)
				}
			}
			rows, err := br.Query()
			if err != nil {
				t.Fatal(err)
			}
			type item struct {
				ID   int32
				Name string
				Qty  *int64
			}
			items, err := pgx.CollectRows(rows, pgx.RowToStructByPos[item])
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 2 || items[0].ID != 1 || items[0].Name != "one" || items[0].Qty == nil || *items[0].Qty != 15 ||
				items[1].ID != 3 || items[1].Name != "three" || items[1].Qty != nil {
				t.Errorf("batch select: got %+v, want [{1 one 15} {3 three nil}]", items)
			}
			var name string
			if err := br.QueryRow().Scan(&name); err != nil || name != "three" {
				t.Errorf("batch select name: %q, %v; want three", name, err)
			}
			if err := br.Close(); err != nil {
				t.Fatalf("close batch: %v", err)
			}

			// A batch whose second statement fails: nothing of it stays.
			b = &pgx.Batch{}
			b.Queue(ins, 4, "four", int64(40))
			b.Queue("SELECT name FROM no_such_table")
			b.Queue(ins, 5, "five", int64(50))
			err = conn.SendBatch(ctx, b).Close()
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42P01" {
				t.Errorf("failing batch: got %v, want SQLSTATE 42P01", err)
			}
			ids, err := pgxIDs(ctx, conn, "SELECT id FROM "+table+" ORDER BY id")
			if err != nil {
				t.Fatalf("after the failing batch: %v", err)
			}
			if !slices.Equal(ids, []int32{1, 3}) {
				t.Errorf("after the failing batch: ids %v, want [1 3]", ids)
			}
			if n := notices.take(); len(n) != 0 {
				t.Errorf("notices: %q", n)
			}
		})
	}
}

// copyRows is the number of rows TestPgxCopy copies in and out.
const copyRows = 10_000

// copyRow returns row i of the COPY test as pgx values and as the line
// COPY ... TO STDOUT prints for it (text format, TimeZone UTC).
func copyRow(i int) ([]any, string) {
	name := "name " + strconv.Itoa(i)
	nameOut := name
	if i%1000 == 7 {
		name = "tab\there\nnew line\\ and ünïcode"
		nameOut = `tab\there\nnew line\\ and ünïcode`
	}
	cents := int64(i)*7 - 35_000
	amount := pgtype.Numeric{Int: big.NewInt(cents), Exp: -2, Valid: true}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	amountOut := fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
	at := time.Date(2024, 1, 1, 12, 0, 0, 0, time.FixedZone("+02", 2*3600)).Add(time.Duration(i) * 1500 * time.Millisecond)
	atOut := at.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
	flag := i%2 == 0
	flagOut := "f"
	if flag {
		flagOut = "t"
	}
	var note any = fmt.Sprintf("n%d", i*i)
	noteOut := note.(string)
	if i%3 == 0 {
		note, noteOut = nil, `\N`
	}
	return []any{int32(i), name, amount, at, flag, note},
		strings.Join([]string{strconv.Itoa(i), nameOut, amountOut, atOut, flagOut, noteOut}, "\t")
}

// TestPgxCopy copies 10,000 rows in with CopyFrom (binary COPY FROM
// STDIN) and reads them back with COPY ... TO STDOUT (text format).
func TestPgxCopy(t *testing.T) {
	tg := startTarget(t, false)
	const table = "pgx_copy"
	dropTables(t, tg, table)
	ctx := testContext(t)
	var notices noticeLog
	conn := connectPgx(t, tg, pgx.QueryExecModeCacheStatement, &notices)
	if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" (id int PRIMARY KEY, name text, amount numeric, at timestamptz, flag boolean, note text)"); err != nil {
		t.Fatal(err)
	}
	rows := make([][]any, copyRows)
	lines := make([]string, copyRows)
	for i := range rows {
		rows[i], lines[i] = copyRow(i)
	}
	n, err := conn.CopyFrom(ctx, pgx.Identifier{table}, []string{"id", "name", "amount", "at", "flag", "note"}, pgx.CopyFromRows(rows))
	if err != nil {
		// Go on with the rows loaded through a text COPY so that
		// COPY TO is still checked.
		t.Errorf("CopyFrom: %v", err)
		text := strings.NewReader(strings.Join(lines, "\n") + "\n")
		tag, err := conn.PgConn().CopyFrom(ctx, text, "COPY "+table+" FROM STDIN")
		if err != nil {
			t.Fatalf("text COPY FROM STDIN: %v", err)
		}
		if tag.String() != "COPY 10000" {
			t.Errorf("text COPY FROM STDIN tag %q, want COPY 10000", tag)
		}
	} else if n != copyRows {
		t.Errorf("CopyFrom copied %d rows, want %d", n, copyRows)
	}

	var amount pgtype.Numeric
	var at time.Time
	var note *string
	if err := conn.QueryRow(ctx, "SELECT amount, at, note FROM "+table+" WHERE id = $1", 9998).Scan(&amount, &at, &note); err != nil {
		t.Fatal(err)
	}
	want, _ := copyRow(9998)
	if d := diffValue(amount, want[2]); d != "" {
		t.Errorf("amount of row 9998: %s", d)
	}
	if !at.Equal(want[3].(time.Time)) || note == nil || *note != want[5] {
		t.Errorf("row 9998: at %v note %v, want %v %v", at, note, want[3], want[5])
	}

	var out bytes.Buffer
	tag, err := conn.PgConn().CopyTo(ctx, &out, "COPY "+table+" TO STDOUT")
	if err != nil {
		t.Fatalf("CopyTo: %v", err)
	}
	if tag.String() != "COPY 10000" {
		t.Errorf("CopyTo tag %q, want COPY 10000", tag)
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	// COPY of a table follows no order: compare in id order.
	slices.SortFunc(got, func(a, b string) int {
		ai, _ := strconv.Atoi(a[:strings.IndexByte(a+"\t", '\t')])
		bi, _ := strconv.Atoi(b[:strings.IndexByte(b+"\t", '\t')])
		return ai - bi
	})
	if len(got) != len(lines) {
		t.Fatalf("COPY TO printed %d lines, want %d", len(got), len(lines))
	}
	bad := 0
	for i := range lines {
		if got[i] != lines[i] {
			if bad++; bad <= 5 {
				t.Errorf("COPY TO line of id %d:\n got %q\nwant %q", i, got[i], lines[i])
			}
		}
	}
	if bad > 5 {
		t.Errorf("... %d lines differ", bad)
	}
	if n := notices.take(); len(n) != 0 {
		t.Errorf("notices: %q", n)
	}
}
