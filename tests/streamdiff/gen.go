package streamdiff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits on the data the generator produces, so that the tables stay
// small enough for every view to be compared after each FLUSH.
const (
	// MaxAccID bounds acc.id; ids are chosen in [1, MaxAccID].
	MaxAccID = 80
	// TxTarget is the size of tx above which deletes become likelier
	// than inserts.
	TxTarget = 150
)

// State is what the generator needs to know about the data before each
// statement; the caller reads it from PostgreSQL, whose tables hold the
// same rows as Eddy's.
type State struct {
	// AccIDs are the ids in acc.
	AccIDs []int
	// TxRows is the number of rows in tx.
	TxRows int
}

// Generator produces a deterministic stream of statements from a seed:
// INSERT, UPDATE and DELETE on acc and tx, INSERTs into the append-only
// ev with non-decreasing timestamps (so no row is ever late), in random
// batch sizes, sometimes grouped in a transaction that commits or rolls
// back. Statements are valid on both Eddy and PostgreSQL and never
// violate a constraint given an accurate State.
type Generator struct {
	rng *rand.Rand
	// tables the statements write, among "acc", "tx" and "ev".
	tables []string
	// evID and evTime are the id and ts of the next ev row.
	evID   int64
	evTime time.Time
	// txnLeft counts the statements still to come in the open
	// transaction; -1 when none is open.
	txnLeft int
	// NonFinite makes some acc.score values NaN, Infinity or -Infinity.
	NonFinite bool
}

// NewGenerator returns a generator of statements writing tables (all
// three when none are named).
func NewGenerator(seed int64, tables ...string) *Generator {
	if len(tables) == 0 {
		tables = []string{"acc", "tx", "ev"}
	}
	return &Generator{
		rng:     rand.New(rand.NewPCG(uint64(seed), 0x5eed)),
		tables:  tables,
		evID:    1,
		evTime:  time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		txnLeft: -1,
	}
}

// InTransaction reports whether the last statement left a transaction
// open; views are compared only outside one.
func (g *Generator) InTransaction() bool { return g.txnLeft >= 0 }

// Abort forgets the open transaction, after the server aborted it (the
// caller rolls it back).
func (g *Generator) Abort() { g.txnLeft = -1 }

// Chance returns true with probability p, from the generator's own
// random sequence (so a caller's decisions replay with the seed).
func (g *Generator) Chance(p float64) bool { return g.rng.Float64() < p }

// Next returns the next statement, given the current data.
func (g *Generator) Next(st State) string {
	switch {
	case g.txnLeft == 0:
		g.txnLeft = -1
		if g.Chance(0.2) {
			return "ROLLBACK"
		}
		return "COMMIT"
	case g.txnLeft > 0:
		g.txnLeft--
	case g.Chance(0.15):
		g.txnLeft = 2 + g.rng.IntN(7)
		return "BEGIN"
	}
	// acc, with the most kinds of change, gets the most statements.
	weights := map[string]int{"acc": 9, "tx": 7, "ev": 4}
	total := 0
	for _, t := range g.tables {
		total += weights[t]
	}
	pick := g.rng.IntN(total)
	table := g.tables[0]
	for _, t := range g.tables {
		if pick -= weights[t]; pick < 0 {
			table = t
			break
		}
	}
	switch table {
	case "acc":
		return g.acc(st)
	case "tx":
		return g.tx(st)
	default:
		return g.ev()
	}
}

// batch returns a random batch size, mostly small, sometimes large.
func (g *Generator) batch() int {
	sizes := []int{1, 2, 4, 10, 30}
	return 1 + g.rng.IntN(sizes[g.rng.IntN(len(sizes))])
}

func (g *Generator) pick(vals ...string) string { return vals[g.rng.IntN(len(vals))] }

// orNull returns v, or NULL with probability p.
func (g *Generator) orNull(p float64, v string) string {
	if g.Chance(p) {
		return "NULL"
	}
	return v
}

func (g *Generator) grp() string { return g.orNull(0.05, strconv.Itoa(g.rng.IntN(6))) }
func (g *Generator) name() string {
	return g.pick("'ann'", "'al'", "'bob'", "'cy'", "'dee'", "'eve'", "'Ann'", "NULL")
}
func (g *Generator) kind() string { return g.orNull(0.05, g.pick("'a'", "'b'", "'c'", "'d'")) }
func (g *Generator) qty() string  { return g.orNull(0.05, strconv.Itoa(g.rng.IntN(13))) }
func (g *Generator) val() string  { return g.orNull(0.05, strconv.Itoa(g.rng.IntN(100))) }
func (g *Generator) price() string {
	return g.orNull(0.05, fmt.Sprintf("%d.%02d", g.rng.IntN(200), g.rng.IntN(100)))
}

func (g *Generator) amount() string {
	return g.orNull(0.05, strconv.Itoa(g.rng.IntN(1101)-100))
}

// score returns a multiple of 1/8 in [-50, 50], so that sums are exact
// in any order of additions and retractions (or, with NonFinite, now and
// then NaN or an infinity).
func (g *Generator) score() string {
	if g.NonFinite && g.Chance(0.08) {
		return g.pick("'NaN'", "'Infinity'", "'-Infinity'")
	}
	return g.orNull(0.1, strconv.FormatFloat(float64(g.rng.IntN(801)-400)/8, 'g', -1, 64))
}

// existing returns one of ids, or any id in range when there are none.
func (g *Generator) existing(ids []int) int {
	if len(ids) == 0 {
		return 1 + g.rng.IntN(MaxAccID)
	}
	return ids[g.rng.IntN(len(ids))]
}

// someIDs returns up to n distinct ids among ids, as an IN list body.
func (g *Generator) someIDs(ids []int, n int) string {
	var out []string
	for range n {
		out = append(out, strconv.Itoa(g.existing(ids)))
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ", ")
}

// freeIDs returns up to n ids in [1, MaxAccID] not in ids.
func (g *Generator) freeIDs(ids []int, n int) []int {
	used := map[int]bool{}
	for _, id := range ids {
		used[id] = true
	}
	var free []int
	for id := 1; id <= MaxAccID; id++ {
		if !used[id] {
			free = append(free, id)
		}
	}
	g.rng.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	return free[:min(n, len(free))]
}

func (g *Generator) acc(st State) string {
	ids := st.AccIDs
	full := len(ids) >= MaxAccID*3/4
	switch r := g.rng.Float64(); {
	case r < 0.4 && !full || len(ids) == 0:
		free := g.freeIDs(ids, g.batch())
		if len(free) == 0 {
			return "DELETE FROM acc WHERE id IN (" + g.someIDs(ids, 5) + ")"
		}
		rows := make([]string, len(free))
		for i, id := range free {
			rows[i] = fmt.Sprintf("(%d, %s, %s, %s, %s)", id, g.grp(), g.name(), g.amount(), g.score())
		}
		return "INSERT INTO acc VALUES " + strings.Join(rows, ", ")
	case r < 0.75:
		switch g.rng.IntN(8) {
		case 6:
			// Rows move between groups (and partitions of the top-N views) in bulk.
			return fmt.Sprintf("UPDATE acc SET grp = (grp + %d) %% 6 WHERE grp = %d OR id IN (%s)", 1+g.rng.IntN(5), g.rng.IntN(6), g.someIDs(ids, 2))
		case 7:
			return fmt.Sprintf("UPDATE acc SET grp = %s, amount = 1000 - amount WHERE id IN (%s)", g.grp(), g.someIDs(ids, g.batch()))
		case 0:
			return fmt.Sprintf("UPDATE acc SET amount = amount + %d WHERE id IN (%s)", g.rng.IntN(201)-100, g.someIDs(ids, g.batch()))
		case 1:
			return fmt.Sprintf("UPDATE acc SET grp = %s WHERE id = %d", g.grp(), g.existing(ids))
		case 2:
			return fmt.Sprintf("UPDATE acc SET score = %s, name = %s WHERE grp = %s", g.score(), g.name(), strconv.Itoa(g.rng.IntN(6)))
		case 3:
			return fmt.Sprintf("UPDATE acc SET amount = %s WHERE id %% %d = %d", g.amount(), 2+g.rng.IntN(7), g.rng.IntN(2))
		case 4:
			// A change of primary key.
			if free := g.freeIDs(ids, 1); len(free) == 1 {
				return fmt.Sprintf("UPDATE acc SET id = %d WHERE id = %d", free[0], g.existing(ids))
			}
			return fmt.Sprintf("UPDATE acc SET grp = grp + 1 WHERE id = %d", g.existing(ids))
		default:
			return fmt.Sprintf("UPDATE acc SET grp = %s, amount = %s, score = %s WHERE id = %d", g.grp(), g.amount(), g.score(), g.existing(ids))
		}
	default:
		switch g.rng.IntN(8) {
		case 0, 1, 2:
			return "DELETE FROM acc WHERE id IN (" + g.someIDs(ids, g.batch()) + ")"
		case 3, 4:
			return fmt.Sprintf("DELETE FROM acc WHERE grp = %d AND amount < %d", g.rng.IntN(6), g.rng.IntN(800))
		case 5:
			return fmt.Sprintf("DELETE FROM acc WHERE score IS NULL OR score > %d", 20+g.rng.IntN(30))
		case 6:
			if g.Chance(0.3) {
				return "DELETE FROM acc"
			}
			fallthrough
		default:
			return fmt.Sprintf("DELETE FROM acc WHERE id = %d", g.existing(ids))
		}
	}
}

// txAcc returns an acc_id for tx: mostly an existing account, sometimes
// one that does not exist, sometimes NULL.
func (g *Generator) txAcc(ids []int) string {
	switch r := g.rng.Float64(); {
	case r < 0.05:
		return "NULL"
	case r < 0.75 && len(ids) > 0:
		return strconv.Itoa(g.existing(ids))
	default:
		return strconv.Itoa(1 + g.rng.IntN(MaxAccID+10))
	}
}

func (g *Generator) tx(st State) string {
	ids := st.AccIDs
	insertP := 0.45
	if st.TxRows > TxTarget {
		insertP = 0.2
	}
	switch r := g.rng.Float64(); {
	case r < insertP:
		n := g.batch()
		rows := make([]string, 0, n)
		for len(rows) < n {
			row := fmt.Sprintf("(%s, %s, %s, %s)", g.txAcc(ids), g.kind(), g.qty(), g.price())
			rows = append(rows, row)
			// Whole rows repeat: the table has no key.
			if g.Chance(0.15) && len(rows) < n {
				rows = append(rows, row)
			}
		}
		return "INSERT INTO tx VALUES " + strings.Join(rows, ", ")
	case r < insertP+0.25:
		switch g.rng.IntN(4) {
		case 0:
			return fmt.Sprintf("UPDATE tx SET qty = qty + 1 WHERE kind = %s AND acc_id = %s", g.kind(), g.txAcc(ids))
		case 1:
			return fmt.Sprintf("UPDATE tx SET price = %s WHERE acc_id = %s", g.price(), g.txAcc(ids))
		case 2:
			return fmt.Sprintf("UPDATE tx SET acc_id = %s WHERE acc_id = %s AND kind = %s", g.txAcc(ids), g.txAcc(ids), g.kind())
		default:
			return fmt.Sprintf("UPDATE tx SET kind = %s, qty = %s WHERE qty = %d", g.kind(), g.qty(), g.rng.IntN(13))
		}
	default:
		switch g.rng.IntN(4) {
		case 0, 1:
			return fmt.Sprintf("DELETE FROM tx WHERE acc_id = %s", g.txAcc(ids))
		case 2:
			return fmt.Sprintf("DELETE FROM tx WHERE kind = %s AND qty > %d", g.kind(), g.rng.IntN(13))
		default:
			return fmt.Sprintf("DELETE FROM tx WHERE price < %d OR acc_id IS NULL", g.rng.IntN(60))
		}
	}
}

// ev inserts rows whose timestamps never go back: each row is 0 to 12
// seconds after the previous one, now and then a few minutes after.
func (g *Generator) ev() string {
	n := g.batch()
	rows := make([]string, n)
	for i := range rows {
		switch r := g.rng.Float64(); {
		case r < 0.03:
			g.evTime = g.evTime.Add(time.Duration(2+g.rng.IntN(4)) * time.Minute)
		case r < 0.25:
			// The same timestamp again.
		default:
			g.evTime = g.evTime.Add(time.Duration(g.rng.IntN(12000)) * time.Millisecond)
		}
		rows[i] = fmt.Sprintf("(%d, '%s', %s, %s)", g.evID, g.evTime.Format("2006-01-02 15:04:05.999"), g.grp(), g.val())
		g.evID++
	}
	return "INSERT INTO ev VALUES " + strings.Join(rows, ", ")
}
