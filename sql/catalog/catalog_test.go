package catalog_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// env is a store in a temporary directory that can be closed and opened
// again, with the catalog loaded from it.
type env struct {
	t     *testing.T
	dir   string
	store *storage.Store
	cat   *catalog.Catalog
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, dir: t.TempDir()}
	e.reopen()
	t.Cleanup(func() {
		if e.store != nil {
			_ = e.store.Close()
		}
	})
	return e
}

// reopen closes the store (if open) and opens it and the catalog again.
func (e *env) reopen() {
	e.t.Helper()
	if e.store != nil {
		if err := e.store.Close(); err != nil {
			e.t.Fatal(err)
		}
	}
	st, err := storage.Open(e.dir, storage.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	e.store = st
	if e.cat, err = catalog.Open(st); err != nil {
		e.t.Fatal(err)
	}
}

// create allocates an id for o, stores it and publishes it, as DDL does.
func (e *env) create(o *catalog.Object) *catalog.Object {
	e.t.Helper()
	e.cat.Lock()
	defer e.cat.Unlock()
	b := e.store.NewBatch()
	defer b.Close()
	id, err := e.cat.AllocateID(b)
	if err != nil {
		e.t.Fatal(err)
	}
	o.ID = id
	if err := e.cat.Put(b, o); err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.Apply(b); err != nil {
		e.t.Fatal(err)
	}
	e.cat.Publish([]*catalog.Object{o}, nil)
	return o
}

func (e *env) remove(objs ...*catalog.Object) {
	e.t.Helper()
	b := e.store.NewBatch()
	defer b.Close()
	for _, o := range objs {
		if err := e.cat.Remove(b, o); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := e.store.Apply(b); err != nil {
		e.t.Fatal(err)
	}
	e.cat.Publish(nil, objs)
}

func names(objs []*catalog.Object) string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Name)
	}
	return strings.Join(out, " ")
}

func table(name string) *catalog.Object {
	return &catalog.Object{
		Name: name, Schema: catalog.DefaultSchema, Kind: catalog.KindTable, Owner: "root",
		Columns: []catalog.Column{
			{Name: "id", Type: types.TInt4, NotNull: true},
			{Name: "label", Type: types.Type{ID: types.Varchar, Mod: 10 + 4}, Default: "'x'"},
			{Name: "amount", Type: types.Type{ID: types.Numeric, Mod: (10<<16 | 2) + 4}},
			{Name: "tags", Type: types.ArrayOf(types.Text)},
			{Name: catalog.RowIDColumn, Type: types.TInt8, Hidden: true, NotNull: true},
		},
		PK:         []int{0},
		PKDeclared: true,
		OnConflict: "DO NOTHING",
		Definition: "CREATE TABLE " + name + " (...)",
		With:       []catalog.Option{{Key: "retention", Value: "7d"}},
		Watermarks: []catalog.Watermark{{Column: 1, Expr: "label"}},
		Extra:      json.RawMessage(`{"k":[1,2]}`),
	}
}

func TestCreatePersistReopen(t *testing.T) {
	e := newEnv(t)
	if len(e.cat.Objects()) != 0 || e.cat.Version() != 0 {
		t.Fatalf("a new catalog has %d objects, version %d", len(e.cat.Objects()), e.cat.Version())
	}
	a := e.create(table("a"))
	b := e.create(&catalog.Object{Name: "v", Schema: catalog.DefaultSchema, Kind: catalog.KindView,
		Query: "SELECT id FROM a", DependsOn: []uint32{a.ID}, Columns: []catalog.Column{{Name: "id", Type: types.TInt4}}})
	if a.ID != catalog.FirstUserID || b.ID != catalog.FirstUserID+1 {
		t.Errorf("ids %d, %d; want %d, %d", a.ID, b.ID, catalog.FirstUserID, catalog.FirstUserID+1)
	}
	if e.cat.Version() != 2 {
		t.Errorf("version after two changes = %d", e.cat.Version())
	}

	e.reopen()
	got, ok := e.cat.Lookup(catalog.DefaultSchema, "a")
	if !ok {
		t.Fatal("table a is gone after reopening")
	}
	if !reflect.DeepEqual(got, a) {
		t.Errorf("descriptor after reopening:\n%+v\nwant\n%+v", got, a)
	}
	if byID, ok := e.cat.ByID(b.ID); !ok || byID.Name != "v" || byID.Query != "SELECT id FROM a" {
		t.Errorf("ByID(%d) = %+v, %v", b.ID, byID, ok)
	}
	if got := names(e.cat.Objects()); got != "a v" {
		t.Errorf("Objects() = %s", got)
	}
	if c := e.create(table("c")); c.ID != catalog.FirstUserID+2 {
		t.Errorf("next id after reopening = %d, want %d", c.ID, catalog.FirstUserID+2)
	}
}

// Ids are never reused: the high-water mark survives removing the
// newest object and reopening.
func TestNextIDHighWaterMark(t *testing.T) {
	e := newEnv(t)
	e.create(table("a"))
	b := e.create(table("b"))
	e.remove(b)
	if _, ok := e.cat.Lookup(catalog.DefaultSchema, "b"); ok {
		t.Fatal("b is still visible after Publish removed it")
	}
	if _, ok := e.cat.ByID(b.ID); ok {
		t.Fatal("b's id is still visible after Publish removed it")
	}
	e.reopen()
	if _, ok := e.cat.ByID(b.ID); ok {
		t.Fatal("b came back after reopening")
	}
	if c := e.create(table("c")); c.ID != b.ID+1 {
		t.Errorf("id after removing %d and reopening = %d, want %d", b.ID, c.ID, b.ID+1)
	}

	// An id allocated in a batch that never commits is not reserved.
	bt := e.store.NewBatch()
	id, err := e.cat.AllocateID(bt)
	if err != nil {
		t.Fatal(err)
	}
	_ = bt.Close()
	e.reopen()
	if again := e.create(table("d")); again.ID != id {
		t.Errorf("id after a discarded allocation = %d, want %d again", again.ID, id)
	}
}

// Without a stored high-water mark the next id follows the largest
// stored descriptor.
func TestNextIDFromDescriptors(t *testing.T) {
	e := newEnv(t)
	b := e.store.NewBatch()
	o := table("old")
	o.ID = 20000
	if err := e.cat.Put(b, o); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Apply(b); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	if n := e.create(table("new")); n.ID != 20001 {
		t.Errorf("next id = %d, want 20001", n.ID)
	}
}

func TestPublishRenameAndReplace(t *testing.T) {
	e := newEnv(t)
	a := e.create(table("a"))
	v0 := e.cat.Version()

	// Publishing a new descriptor under the same id renames the object.
	renamed := *a
	renamed.Name = "a2"
	e.cat.Publish([]*catalog.Object{&renamed}, nil)
	if _, ok := e.cat.Lookup(catalog.DefaultSchema, "a"); ok {
		t.Error("the old name still resolves after a rename")
	}
	if o, ok := e.cat.Lookup(catalog.DefaultSchema, "a2"); !ok || o.ID != a.ID {
		t.Errorf("Lookup(a2) = %v, %v", o, ok)
	}
	if e.cat.Version() != v0+1 {
		t.Errorf("version = %d, want %d", e.cat.Version(), v0+1)
	}

	// Removing a stale descriptor does not drop the name's new owner.
	b := e.create(table("a"))
	stale := *a
	e.cat.Publish(nil, []*catalog.Object{&stale})
	if o, ok := e.cat.Lookup(catalog.DefaultSchema, "a"); !ok || o.ID != b.ID {
		t.Errorf("Lookup(a) after removing the old a = %v, %v; want id %d", o, ok, b.ID)
	}

	// Drop and create in one change (DROP + CREATE of the same name).
	c := table("a")
	c.ID = 30000
	e.cat.Publish([]*catalog.Object{c}, []*catalog.Object{b})
	if o, ok := e.cat.Lookup(catalog.DefaultSchema, "a"); !ok || o.ID != 30000 {
		t.Errorf("Lookup(a) after replace = %v, %v", o, ok)
	}
}

func TestDependents(t *testing.T) {
	e := newEnv(t)
	a := e.create(table("a"))
	b := e.create(table("b"))
	v1 := e.create(&catalog.Object{Name: "v1", Schema: catalog.DefaultSchema, Kind: catalog.KindView, DependsOn: []uint32{a.ID}})
	v2 := e.create(&catalog.Object{Name: "v2", Schema: catalog.DefaultSchema, Kind: catalog.KindMaterializedView, DependsOn: []uint32{b.ID, a.ID}})
	e.create(&catalog.Object{Name: "s", Schema: catalog.DefaultSchema, Kind: catalog.KindSink, DependsOn: []uint32{v2.ID}})
	for _, tc := range []struct {
		id   uint32
		want string
	}{
		{a.ID, "v1 v2"},
		{b.ID, "v2"},
		{v1.ID, ""},
		{v2.ID, "s"},
		{99999, ""},
	} {
		if got := names(e.cat.Dependents(tc.id)); got != tc.want {
			t.Errorf("Dependents(%d) = %q, want %q", tc.id, got, tc.want)
		}
	}
	e.reopen()
	if got := names(e.cat.Dependents(a.ID)); got != "v1 v2" {
		t.Errorf("Dependents after reopening = %q", got)
	}
}

func TestCheckNameFree(t *testing.T) {
	e := newEnv(t)
	e.create(table("t"))
	e.create(&catalog.Object{Name: "src", Schema: catalog.DefaultSchema, Kind: catalog.KindSource})
	e.create(&catalog.Object{Name: "mv", Schema: catalog.DefaultSchema, Kind: catalog.KindMaterializedView})
	for _, tc := range []struct {
		name, msg string
	}{
		{"t", `relation "t" already exists`},
		{"mv", `relation "mv" already exists`},
		{"src", `source "src" already exists`},
		{"free", ""},
	} {
		err := e.cat.CheckNameFree(catalog.DefaultSchema, tc.name)
		if tc.msg == "" {
			if err != nil {
				t.Errorf("CheckNameFree(%s) = %v", tc.name, err)
			}
			continue
		}
		if sqlerr.Code(err) != sqlerr.DuplicateTable || err.Error() != tc.msg {
			t.Errorf("CheckNameFree(%s) = %v, want 42P07 %q", tc.name, err, tc.msg)
		}
	}
	if err := e.cat.CheckNameFree("other", "t"); err != nil {
		t.Errorf("a name in another schema is taken: %v", err)
	}
}

func TestCorruptDescriptor(t *testing.T) {
	e := newEnv(t)
	b := e.store.NewBatch()
	if err := b.Set(storage.CatalogKey(16500), []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Apply(b); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Open(e.store); err == nil || !strings.Contains(err.Error(), "corrupt descriptor") {
		t.Errorf("Open over a corrupt descriptor: %v", err)
	}
}

// Column types are stored by OID and typmod and read back equal.
func TestTypeJSONRoundTrip(t *testing.T) {
	var all []types.Type
	for _, typ := range types.AllTypes() {
		all = append(all, typ)
		if arr := types.ArrayOf(typ.ID); arr.OID() != 0 {
			all = append(all, arr)
		}
	}
	all = append(all,
		types.Type{ID: types.Varchar, Mod: 14},
		types.Type{ID: types.Bpchar, Mod: 5},
		types.Type{ID: types.Numeric, Mod: (12<<16 | 3) + 4},
		types.Type{ID: types.Timestamptz, Mod: 3},
	)
	for _, typ := range all {
		if typ.OID() == 0 {
			continue
		}
		b, err := json.Marshal(catalog.Column{Name: "c", Type: typ})
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		var back catalog.Column
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("%s: %s: %v", typ, b, err)
			continue
		}
		if back.Type != typ {
			t.Errorf("%s: %s reads back as %s (%+v, want %+v)", typ, b, back.Type, back.Type, typ)
		}
	}
	var c catalog.Column
	if err := json.Unmarshal([]byte(`{"name":"c","type":{"oid":424242}}`), &c); err == nil {
		t.Error("an unknown type OID reads without error")
	}
}

func TestObjectHelpers(t *testing.T) {
	o := table("t")
	if o.ColumnIndex("amount") != 2 || o.ColumnIndex("nosuch") != -1 {
		t.Errorf("ColumnIndex: amount=%d nosuch=%d", o.ColumnIndex("amount"), o.ColumnIndex("nosuch"))
	}
	if ts := o.ColumnTypes(); len(ts) != 5 || ts[3] != types.ArrayOf(types.Text) {
		t.Errorf("ColumnTypes = %v", ts)
	}
	if v, ok := o.Option("retention"); !ok || v != "7d" {
		t.Errorf("Option(retention) = %q, %v", v, ok)
	}
	if _, ok := o.Option("nosuch"); ok {
		t.Error("Option(nosuch) found")
	}
	for kind, rel := range map[catalog.Kind]bool{
		catalog.KindTable: true, catalog.KindMaterializedView: true, catalog.KindSource: true, catalog.KindView: true,
		catalog.KindSink: false, catalog.KindIndex: false,
	} {
		if got := (&catalog.Object{Kind: kind}).IsRelation(); got != rel {
			t.Errorf("IsRelation(%s) = %v", kind, got)
		}
	}
	if catalog.NormalizeName("MyTable") != "mytable" {
		t.Error("NormalizeName does not fold to lower case")
	}
	if catalog.KindNoun(catalog.KindMaterializedView) != "materialized view" {
		t.Error("KindNoun(materialized view)")
	}
}
