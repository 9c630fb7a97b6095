package types

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ID names a SQL type. The set follows PostgreSQL's built-in types that
// Eddy supports; each has PostgreSQL's OID (see OID) so clients decode
// values exactly as they would from PostgreSQL.
type ID uint8

// The supported types. Unknown is the type of an untyped literal ('abc',
// NULL) before the binder resolves it, as in PostgreSQL.
const (
	Unknown ID = iota
	Bool
	Int2
	Int4
	Int8
	Float4
	Float8
	Numeric
	Varchar
	Text
	Char   // "char": the one-byte internal type of pg_class.relkind
	Bpchar // character(n)
	Name   // 63-byte identifier type of the catalogs
	Bytea
	Date
	Time
	Timestamp
	Timestamptz
	Interval
	Jsonb
	Json
	Oid
	Regclass
	Regtype
	Regproc
	Regnamespace
	Uuid
	Array // Elem gives the element type
	Record
	Void
	// Int2Vector and OidVector are the catalogs' int2vector and
	// oidvector (pg_index.indkey, pg_proc.proargtypes): arrays whose
	// subscripts start at 0, printed space-separated.
	Int2Vector
	OidVector
	Regrole
	// Regprocedure and Regoperator name a function or an operator with
	// its argument types: "lower(text)", "+(integer,integer)".
	Regprocedure
	Regoperator
	numIDs
)

// Type is a SQL type: an ID, the element ID for arrays, and PostgreSQL's
// type modifier (atttypmod): 0 means none (PostgreSQL's -1). For
// varchar(n) and char(n) it is n+4; for numeric(p,s) ((p<<16)|s)+4.
type Type struct {
	ID   ID
	Elem ID
	Mod  int32
}

// Convenience values for the plain types.
var (
	TUnknown      = Type{ID: Unknown}
	TBool         = Type{ID: Bool}
	TInt2         = Type{ID: Int2}
	TInt4         = Type{ID: Int4}
	TInt8         = Type{ID: Int8}
	TFloat4       = Type{ID: Float4}
	TFloat8       = Type{ID: Float8}
	TNumeric      = Type{ID: Numeric}
	TVarchar      = Type{ID: Varchar}
	TText         = Type{ID: Text}
	TChar         = Type{ID: Char}
	TBpchar       = Type{ID: Bpchar}
	TName         = Type{ID: Name}
	TBytea        = Type{ID: Bytea}
	TDate         = Type{ID: Date}
	TTime         = Type{ID: Time}
	TTimestamp    = Type{ID: Timestamp}
	TTimestamptz  = Type{ID: Timestamptz}
	TInterval     = Type{ID: Interval}
	TJsonb        = Type{ID: Jsonb}
	TJson         = Type{ID: Json}
	TOid          = Type{ID: Oid}
	TRegclass     = Type{ID: Regclass}
	TRegtype      = Type{ID: Regtype}
	TRegproc      = Type{ID: Regproc}
	TRegnamespace = Type{ID: Regnamespace}
	TUuid         = Type{ID: Uuid}
	TRecord       = Type{ID: Record}
	TVoid         = Type{ID: Void}
	TInt2Vector   = Type{ID: Int2Vector}
	TOidVector    = Type{ID: OidVector}
	TRegrole      = Type{ID: Regrole}
	TRegprocedure = Type{ID: Regprocedure}
	TRegoperator  = Type{ID: Regoperator}
)

// ArrayOf returns the array type whose elements have type elem.
func ArrayOf(elem ID) Type { return Type{ID: Array, Elem: elem} }

// ElemType returns the element type of an array or vector type.
func (t Type) ElemType() Type {
	switch t.ID {
	case Int2Vector:
		return TInt2
	case OidVector:
		return TOid
	}
	return Type{ID: t.Elem}
}

// IsArray reports whether t is an array type.
func (t Type) IsArray() bool { return t.ID == Array }

// IsVector reports whether t is int2vector or oidvector.
func (t Type) IsVector() bool { return t.ID == Int2Vector || t.ID == OidVector }

// VectorArray returns the array type a vector type converts to
// (int2vector -> smallint[], oidvector -> oid[]).
func (t Type) VectorArray() Type { return ArrayOf(t.ElemType().ID) }

type typeInfo struct {
	oid      uint32
	arrayOID uint32
	name     string // pg_type.typname
	sqlName  string // format_type's name
	size     int16  // typlen: -1 variable, -2 C string
	kind     Kind
	category byte // pg_type.typcategory
}

var infos = [numIDs]typeInfo{
	Unknown:      {705, 0, "unknown", "unknown", -2, KString, 'X'},
	Bool:         {16, 1000, "bool", "boolean", 1, KBool, 'B'},
	Int2:         {21, 1005, "int2", "smallint", 2, KInt, 'N'},
	Int4:         {23, 1007, "int4", "integer", 4, KInt, 'N'},
	Int8:         {20, 1016, "int8", "bigint", 8, KInt, 'N'},
	Float4:       {700, 1021, "float4", "real", 4, KFloat, 'N'},
	Float8:       {701, 1022, "float8", "double precision", 8, KFloat, 'N'},
	Numeric:      {1700, 1231, "numeric", "numeric", -1, KDecimal, 'N'},
	Varchar:      {1043, 1015, "varchar", "character varying", -1, KString, 'S'},
	Text:         {25, 1009, "text", "text", -1, KString, 'S'},
	Char:         {18, 1002, "char", "\"char\"", 1, KString, 'Z'},
	Bpchar:       {1042, 1014, "bpchar", "character", -1, KString, 'S'},
	Name:         {19, 1003, "name", "name", 64, KString, 'S'},
	Bytea:        {17, 1001, "bytea", "bytea", -1, KBytes, 'U'},
	Date:         {1082, 1182, "date", "date", 4, KDate, 'D'},
	Time:         {1083, 1183, "time", "time without time zone", 8, KTime, 'D'},
	Timestamp:    {1114, 1115, "timestamp", "timestamp without time zone", 8, KTimestamp, 'D'},
	Timestamptz:  {1184, 1185, "timestamptz", "timestamp with time zone", 8, KTimestamptz, 'D'},
	Interval:     {1186, 1187, "interval", "interval", 16, KInterval, 'T'},
	Jsonb:        {3802, 3807, "jsonb", "jsonb", -1, KJSON, 'U'},
	Json:         {114, 199, "json", "json", -1, KJSON, 'U'},
	Oid:          {26, 1028, "oid", "oid", 4, KInt, 'N'},
	Regclass:     {2205, 2210, "regclass", "regclass", 4, KInt, 'N'},
	Regtype:      {2206, 2211, "regtype", "regtype", 4, KInt, 'N'},
	Regproc:      {24, 1008, "regproc", "regproc", 4, KInt, 'N'},
	Regnamespace: {4089, 4090, "regnamespace", "regnamespace", 4, KInt, 'N'},
	Uuid:         {2950, 2951, "uuid", "uuid", 16, KBytes, 'U'},
	Array:        {0, 0, "", "", -1, KArray, 'A'},
	Record:       {2249, 2287, "record", "record", -1, KArray, 'P'},
	Void:         {2278, 0, "void", "void", 4, KNull, 'P'},
	Int2Vector:   {22, 1006, "int2vector", "int2vector", -1, KArray, 'A'},
	OidVector:    {30, 1013, "oidvector", "oidvector", -1, KArray, 'A'},
	Regrole:      {4096, 4097, "regrole", "regrole", 4, KInt, 'N'},
	Regprocedure: {2202, 2207, "regprocedure", "regprocedure", 4, KInt, 'N'},
	Regoperator:  {2204, 2208, "regoperator", "regoperator", 4, KInt, 'N'},
}

// OID returns PostgreSQL's pg_type OID for t (the array type's OID for
// arrays).
func (t Type) OID() uint32 {
	if t.ID == Array {
		return infos[t.Elem].arrayOID
	}
	return infos[t.ID].oid
}

// Size returns pg_type.typlen: the fixed size in bytes, or -1 for
// variable-length types.
func (t Type) Size() int16 {
	if t.ID == Array {
		return -1
	}
	return infos[t.ID].size
}

// Kind returns the kind of Datum that holds values of t.
func (t Type) Kind() Kind { return infos[t.ID].kind }

// Category returns pg_type.typcategory.
func (t Type) Category() byte { return infos[t.ID].category }

// TypName returns pg_type.typname ("int4", "_int4" for arrays).
func (t Type) TypName() string {
	if t.ID == Array {
		return "_" + infos[t.Elem].name
	}
	return infos[t.ID].name
}

// Modifier returns the PostgreSQL typmod (-1 when there is none).
func (t Type) Modifier() int32 {
	if t.Mod == 0 {
		return -1
	}
	return t.Mod
}

// String returns the type as format_type prints it: "integer",
// "character varying(10)", "numeric(10,2)", "text[]".
func (t Type) String() string {
	if t.ID == Array {
		return Type{ID: t.Elem}.String() + "[]"
	}
	name := infos[t.ID].sqlName
	if t.Mod == 0 {
		return name
	}
	switch t.ID {
	case Varchar, Bpchar:
		return fmt.Sprintf("%s(%d)", name, t.Mod-4)
	case Numeric:
		p, s := t.NumericPrecisionScale()
		return fmt.Sprintf("numeric(%d,%d)", p, s)
	case Timestamp, Timestamptz, Time:
		// typmod = precision; format_type puts it after "timestamp".
		parts := strings.SplitN(name, " ", 2)
		if len(parts) == 2 {
			return fmt.Sprintf("%s(%d) %s", parts[0], t.Mod, parts[1])
		}
	}
	return name
}

// NumericPrecisionScale decodes a numeric typmod; ok is false without one.
func (t Type) NumericPrecisionScale() (precision, scale int) {
	if t.ID != Numeric || t.Mod < 4 {
		return 0, 0
	}
	m := t.Mod - 4
	return int(m >> 16), int(m & 0xffff)
}

// IsNumeric reports whether t is one of the number types.
func (t Type) IsNumeric() bool {
	switch t.ID {
	case Int2, Int4, Int8, Float4, Float8, Numeric:
		return true
	}
	return false
}

// IsInteger reports whether t is smallint, integer or bigint.
func (t Type) IsInteger() bool { return t.ID == Int2 || t.ID == Int4 || t.ID == Int8 }

// IsString reports whether t is a character type (text, varchar, char, name).
func (t Type) IsString() bool {
	switch t.ID {
	case Text, Varchar, Bpchar, Name, Char:
		return true
	}
	return false
}

// IsTime reports whether t is date, timestamp or timestamptz.
func (t Type) IsTime() bool { return t.ID == Date || t.ID == Timestamp || t.ID == Timestamptz }

// IsOIDLike reports whether t is oid or one of the reg* alias types.
func (t Type) IsOIDLike() bool {
	switch t.ID {
	case Oid, Regclass, Regtype, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator:
		return true
	}
	return false
}

// Equal reports whether two types are the same, typmod included.
func (t Type) Equal(u Type) bool { return t == u }

// SameFamily reports whether t and u are the same type ignoring typmod.
func (t Type) SameFamily(u Type) bool { return t.ID == u.ID && t.Elem == u.Elem }

var byOID = func() map[uint32]Type {
	m := make(map[uint32]Type)
	for id := ID(0); id < numIDs; id++ {
		if id == Array {
			continue
		}
		if o := infos[id].oid; o != 0 {
			m[o] = Type{ID: id}
		}
		if o := infos[id].arrayOID; o != 0 {
			m[o] = ArrayOf(id)
		}
	}
	return m
}()

// FromOID returns the type with the given PostgreSQL OID.
func FromOID(oid uint32) (Type, bool) {
	t, ok := byOID[oid]
	return t, ok
}

// AllTypes lists every scalar type (for pg_type).
func AllTypes() []Type {
	var out []Type
	for id := ID(1); id < numIDs; id++ {
		if id == Array {
			continue
		}
		out = append(out, Type{ID: id})
	}
	return out
}

// ByName resolves a type name as written in SQL (after pg_query has
// normalised it: "int4", "varchar", "timestamptz", "float8", "bool",
// also "integer", "double precision", "text", ...). Typmods are applied by
// the caller.
func ByName(name string) (Type, bool) {
	n := strings.ToLower(strings.TrimPrefix(strings.ToLower(name), "pg_catalog."))
	if strings.HasSuffix(n, "[]") {
		e, ok := ByName(strings.TrimSuffix(n, "[]"))
		if !ok || e.ID == Array {
			return Type{}, false
		}
		return ArrayOf(e.ID), true
	}
	if strings.HasPrefix(n, "_") {
		if e, ok := ByName(n[1:]); ok && e.ID != Array {
			return ArrayOf(e.ID), true
		}
	}
	switch n {
	case "bool", "boolean":
		return TBool, true
	case "int2", "smallint":
		return TInt2, true
	case "int4", "int", "integer":
		return TInt4, true
	case "int8", "bigint":
		return TInt8, true
	case "float4", "real":
		return TFloat4, true
	case "float8", "double precision", "float", "double":
		return TFloat8, true
	case "numeric", "decimal":
		return TNumeric, true
	case "varchar", "character varying":
		return TVarchar, true
	case "text", "string":
		return TText, true
	case "char", "\"char\"":
		return TChar, true
	case "bpchar", "character":
		return TBpchar, true
	case "name":
		return TName, true
	case "bytea":
		return TBytea, true
	case "date":
		return TDate, true
	case "time", "time without time zone":
		return TTime, true
	case "timestamp", "timestamp without time zone":
		return TTimestamp, true
	case "timestamptz", "timestamp with time zone":
		return TTimestamptz, true
	case "interval":
		return TInterval, true
	case "jsonb":
		return TJsonb, true
	case "json":
		return TJson, true
	case "oid":
		return TOid, true
	case "regclass":
		return TRegclass, true
	case "regtype":
		return TRegtype, true
	case "regproc":
		return TRegproc, true
	case "regprocedure":
		return TRegprocedure, true
	case "regoperator":
		return TRegoperator, true
	case "regnamespace":
		return TRegnamespace, true
	case "regrole":
		return TRegrole, true
	case "uuid":
		return TUuid, true
	case "record":
		return TRecord, true
	case "void":
		return TVoid, true
	case "int2vector":
		return TInt2Vector, true
	case "oidvector":
		return TOidVector, true
	case "unknown":
		return TUnknown, true
	}
	return Type{}, false
}

// Column is a named, typed column of a relation or result.
type Column struct {
	Name string
	Type Type
}

type typeJSON struct {
	OID uint32 `json:"oid"`
	Mod int32  `json:"mod,omitempty"`
}

// MarshalJSON stores a type by its PostgreSQL OID (stable across
// releases) and typmod.
func (t Type) MarshalJSON() ([]byte, error) {
	return json.Marshal(typeJSON{OID: t.OID(), Mod: t.Mod})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (t *Type) UnmarshalJSON(b []byte) error {
	var j typeJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.OID == infos[Unknown].oid {
		*t = TUnknown
		return nil
	}
	u, ok := FromOID(j.OID)
	if !ok {
		return fmt.Errorf("unknown type oid %d", j.OID)
	}
	u.Mod = j.Mod
	*t = u
	return nil
}
