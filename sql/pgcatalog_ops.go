package sql

import (
	"sort"
	"strings"
	"sync"

	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// Operators, casts and btree operator classes, as pg_operator, pg_cast,
// pg_opfamily, pg_opclass, pg_amop and pg_amproc show them. The rows
// derive from the function library, the binder's comparisons and the type
// system's casts; they are the same for every session.
//
//	pg_operator  the library's operators (functions.Operators), and
//	             =, <>, <, <=, >, >= for each type the binder compares
//	             (binder.Comparable), the arrays as anyarray; varchar
//	             compares with text's and the OID alias types with oid's,
//	             to which their values are binary-coercible, as in
//	             PostgreSQL. Eddy has no cross-type comparisons: integer
//	             and bigint meet in a cast to bigint.
//	pg_cast      types.Casts; castfunc is the pg_proc row of the function
//	             that carries the cast out (functions.CastFunction)
//	pg_opclass   a default btree class <typname>_ops for each type a
//	             primary key may have that has a comparison function,
//	             each in a family of its own (pg_opfamily, same name)
//	pg_amop      per family the btree strategies 1-5: <, <=, =, >=, >
//	pg_amproc    per family support function 1: the comparison function
//	             (btint4cmp, ...)
//
// The operators have no functions of their own in pg_proc: oprcode,
// oprrest and oprjoin are 0.

// pgOperator is a pg_operator row.
type pgOperator struct {
	oid         uint32
	name        string
	left, right types.Type // left is TUnknown for a prefix operator
	result      types.Type
}

func (o *pgOperator) prefix() bool { return o.left == types.TUnknown }

func (o *pgOperator) leftOID() uint32 {
	if o.prefix() {
		return 0
	}
	return functions.TypeOID(o.left)
}

func (o *pgOperator) rightOID() uint32 { return functions.TypeOID(o.right) }

// signature is how regoperator prints an operator: "=(integer,integer)",
// "-(NONE,integer)".
func (o *pgOperator) signature() string {
	l := "NONE"
	if !o.prefix() {
		l = functions.TypeString(o.left)
	}
	return o.name + "(" + l + "," + functions.TypeString(o.right) + ")"
}

// comparisonOps are the comparison operators and their btree strategy
// numbers (0: not a btree strategy).
var comparisonOps = []struct {
	name     string
	strategy int
}{{"<", 1}, {"<=", 2}, {"=", 3}, {">=", 4}, {">", 5}, {"<>", 0}}

// commutators and negators by operator name: a op b is b com a and
// NOT (a neg b). Operators take them where the library has the operator
// with the arguments swapped (for the commutator) or alike.
var (
	commutators = map[string]string{
		"=": "=", "<>": "<>", "<": ">", ">": "<", "<=": ">=", ">=": "<=",
		"+": "+", "*": "*", "&": "&", "|": "|", "#": "#", "&&": "&&", "@>": "<@", "<@": "@>",
	}
	negators = map[string]string{
		"=": "<>", "<>": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">",
		"~": "!~", "!~": "~", "~*": "!~*", "!~*": "~*", "~~": "!~~", "!~~": "~~", "~~*": "!~~*", "!~~*": "~~*",
	}
)

// operatorType is the type whose comparison operators compare values of
// type t.
func operatorType(t types.Type) types.Type {
	switch {
	case t.IsArray():
		return functions.AnyArray
	case t.ID == types.Varchar:
		return types.TText
	case t.IsOIDLike():
		return types.TOid
	}
	return types.Type{ID: t.ID}
}

// comparisonTypes are the types with comparison operators of their own.
func comparisonTypes() []types.Type {
	var out []types.Type
	for _, t := range types.AllTypes() {
		if t.ID != types.Record && t.ID != types.Void && binder.Comparable(t) && operatorType(t) == t {
			out = append(out, t)
		}
	}
	return append(out, functions.AnyArray)
}

var opCatalog struct {
	once      sync.Once
	operators []pgOperator
	opByKey   map[string]*pgOperator // name(left oid,right oid)
	opByOID   map[uint32]*pgOperator
	casts     []types.CastInfo
	classes   []opclass
}

func operatorKey(name string, left, right uint32) string {
	return name + "(" + itoa(int64(left)) + "," + itoa(int64(right)) + ")"
}

// opclass is a btree operator class and its family.
type opclass struct {
	oid, family uint32
	name        string
	typ         types.Type
	cmp         string // the comparison function
}

// buildOpCatalog computes the rows once: they depend only on the
// registries, which init functions fill.
func buildOpCatalog() {
	opCatalog.once.Do(func() {
		var ops []pgOperator
		for _, sg := range functions.Operators() {
			o := pgOperator{name: sg.Name, result: sg.Ret}
			if len(sg.Args) == 1 {
				o.right = sg.Args[0]
			} else {
				o.left, o.right = sg.Args[0], sg.Args[1]
			}
			ops = append(ops, o)
		}
		for _, t := range comparisonTypes() {
			for _, c := range comparisonOps {
				ops = append(ops, pgOperator{name: c.name, left: t, right: t, result: types.TBool})
			}
		}
		sort.SliceStable(ops, func(i, j int) bool {
			a, b := &ops[i], &ops[j]
			if a.name != b.name {
				return a.name < b.name
			}
			if a.leftOID() != b.leftOID() {
				return a.leftOID() < b.leftOID()
			}
			return a.rightOID() < b.rightOID()
		})
		opCatalog.opByKey = map[string]*pgOperator{}
		opCatalog.opByOID = map[uint32]*pgOperator{}
		for i := range ops {
			ops[i].oid = oidFirstOperator + uint32(i)
		}
		opCatalog.operators = ops
		for i := range ops {
			o := &opCatalog.operators[i]
			opCatalog.opByKey[operatorKey(o.name, o.leftOID(), o.rightOID())] = o
			opCatalog.opByOID[o.oid] = o
		}

		opCatalog.casts = types.Casts()

		for _, t := range comparisonTypes() {
			if functions.IsPolymorphic(t) || !keyable(t) {
				continue
			}
			cmp, ok := functions.BtreeCompareFunction(t)
			if !ok {
				continue
			}
			n := uint32(len(opCatalog.classes))
			opCatalog.classes = append(opCatalog.classes, opclass{oid: oidFirstOpclass + n, family: oidFirstOpfamily + n,
				name: t.TypName() + "_ops", typ: t, cmp: cmp})
		}
	})
}

func operators() []pgOperator {
	buildOpCatalog()
	return opCatalog.operators
}

func operatorByOID(oid uint32) (*pgOperator, bool) {
	buildOpCatalog()
	o, ok := opCatalog.opByOID[oid]
	return o, ok
}

// operatorOID returns the OID of an operator by name and argument type
// OIDs (left 0 for a prefix operator), 0 when there is none.
func operatorOID(name string, left, right uint32) uint32 {
	buildOpCatalog()
	if o, ok := opCatalog.opByKey[operatorKey(name, left, right)]; ok {
		return o.oid
	}
	return 0
}

func opclasses() []opclass {
	buildOpCatalog()
	return opCatalog.classes
}

// opclassFor returns the default btree class for values of type t (0
// when there is none): pg_index.indclass of a key column.
func opclassFor(t types.Type) uint32 {
	ot := operatorType(t)
	for _, c := range opclasses() {
		if c.typ == ot {
			return c.oid
		}
	}
	return 0
}

// procOID returns the OID of the built-in function with that name and
// exactly those parameter types, 0 when there is none.
func procOID(name string, args []types.Type) uint32 {
	procs()
	for _, p := range procList.byName[name] {
		if len(p.Args) != len(args) {
			continue
		}
		same := true
		for i, a := range args {
			if p.Args[i] != a {
				same = false
			}
		}
		if same {
			return p.oid
		}
	}
	return 0
}

// procSignature is how regprocedure prints a function:
// "btint4cmp(integer,integer)".
func procSignature(p *proc) string {
	oids := procArgOIDs(p)
	args := make([]string, len(oids))
	for i, oid := range oids {
		args[i] = functions.FormatType(oid, -1, false)
	}
	return functions.QuoteIdent(p.Name) + "(" + strings.Join(args, ",") + ")"
}

func castContextChar(c types.CastContext) byte {
	switch c {
	case types.CastImplicit:
		return 'i'
	case types.CastAssignment:
		return 'a'
	}
	return 'e'
}

func init() {
	pgView("pg_operator", `oid:oid oprname:name oprnamespace:oid oprowner:oid oprkind:char oprcanmerge:bool
		oprcanhash:bool oprleft:oid oprright:oid oprresult:oid oprcom:oid oprnegate:oid oprcode:regproc
		oprrest:regproc oprjoin:regproc`, func(s *Session) []types.Row {
		owner := dOid(roleOID(s.User))
		var rows []types.Row
		for i := range operators() {
			o := &operators()[i]
			kind := byte('b')
			if o.prefix() {
				kind = 'l'
			}
			eq := o.name == "=" && !o.prefix()
			var com, neg uint32
			if c, ok := commutators[o.name]; ok && !o.prefix() {
				com = operatorOID(c, o.rightOID(), o.leftOID())
			}
			if n, ok := negators[o.name]; ok {
				neg = operatorOID(n, o.leftOID(), o.rightOID())
			}
			// Equal intervals may differ in their fields, which the keys
			// of materialized views' joins and groups tell apart
			// (types.AppendKey; queries use types.AppendEqualKey).
			canHash := eq && o.left.ID != types.Interval
			rows = append(rows, types.Row{
				dOid(o.oid), dText(o.name), dOid(oidPgCatalog), owner, dChar(kind), dBool(eq), dBool(canHash),
				dOid(o.leftOID()), dOid(o.rightOID()), dOid(functions.TypeOID(o.result)), dOid(com), dOid(neg),
				dOid(0), dOid(0), dOid(0),
			})
		}
		return rows
	})

	pgView("pg_cast", "oid:oid castsource:oid casttarget:oid castfunc:oid castcontext:char castmethod:char", func(*Session) []types.Row {
		buildOpCatalog()
		var rows []types.Row
		for i, c := range opCatalog.casts {
			fn := uint32(0)
			if c.Method == types.CastFunction {
				fn = procOID(functions.CastFunction(c))
			}
			rows = append(rows, types.Row{dOid(oidFirstCast + uint32(i)), dOid(c.From.OID()), dOid(c.To.OID()), dOid(fn),
				dChar(castContextChar(c.Context)), dChar(byte(c.Method))})
		}
		return rows
	})

	pgView("pg_opfamily", "oid:oid opfmethod:oid opfname:name opfnamespace:oid opfowner:oid", func(s *Session) []types.Row {
		owner := dOid(roleOID(s.User))
		var rows []types.Row
		for _, c := range opclasses() {
			rows = append(rows, types.Row{dOid(c.family), dOid(oidAmBtree), dText(c.name), dOid(oidPgCatalog), owner})
		}
		return rows
	})

	pgView("pg_opclass", `oid:oid opcmethod:oid opcname:name opcnamespace:oid opcowner:oid opcfamily:oid
		opcintype:oid opcdefault:bool opckeytype:oid`, func(s *Session) []types.Row {
		owner := dOid(roleOID(s.User))
		var rows []types.Row
		for _, c := range opclasses() {
			rows = append(rows, types.Row{dOid(c.oid), dOid(oidAmBtree), dText(c.name), dOid(oidPgCatalog), owner,
				dOid(c.family), dOid(c.typ.OID()), dBool(true), dOid(0)})
		}
		return rows
	})

	pgView("pg_amop", `oid:oid amopfamily:oid amoplefttype:oid amoprighttype:oid amopstrategy:int2
		amoppurpose:char amopopr:oid amopmethod:oid amopsortfamily:oid`, func(*Session) []types.Row {
		var rows []types.Row
		for _, c := range opclasses() {
			t := c.typ.OID()
			for _, op := range comparisonOps {
				if op.strategy == 0 {
					continue
				}
				rows = append(rows, types.Row{dOid(oidFirstAmop + uint32(len(rows))), dOid(c.family), dOid(t), dOid(t),
					dInt(int64(op.strategy)), dChar('s'), dOid(operatorOID(op.name, t, t)), dOid(oidAmBtree), dOid(0)})
			}
		}
		return rows
	})

	pgView("pg_amproc", `oid:oid amprocfamily:oid amproclefttype:oid amprocrighttype:oid amprocnum:int2
		amproc:regproc`, func(*Session) []types.Row {
		var rows []types.Row
		for _, c := range opclasses() {
			t := c.typ.OID()
			rows = append(rows, types.Row{dOid(oidFirstAmproc + uint32(len(rows))), dOid(c.family), dOid(t), dOid(t),
				dInt(1), dOid(procOID(c.cmp, []types.Type{c.typ, c.typ}))})
		}
		return rows
	})
}
