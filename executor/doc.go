// Package executor runs plans.
//
// Batch operators (Node) are pulled one row at a time: Build turns a
// planner.Plan into a tree of nodes, Open prepares them for one execution
// (compiling expressions with the statement's parameters), Next returns
// rows until nil, Close releases iterators. Expressions compile to
// closures once per execution; constant subexpressions are computed once.
//
// Table rows are stored by TableCodec:
//
//	key   = table id (4 bytes) ‖ memcomparable(primary key)
//	value = compact row (every column)
//
// DML nodes read all their input before writing (a statement never sees
// its own changes), then write into the session transaction's batch
// through the Writer interface; the session commits the batch.
package executor
