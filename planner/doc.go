// Package planner holds Eddy's query plans and the rewrites between them.
//
// A bound statement is a tree of Plan nodes whose expressions are Expr
// values; both are immutable. Optimize rewrites the tree the binder
// produced into the tree that runs:
//
//	Project                        Project
//	  Filter (t.id = $1 AND v > 3)   Filter (v > 3)
//	    Scan t                 =>      PointGet t (id = $1)
//
//	Filter (a.k = b.k AND a.x > 1)      HashJoin on a.k = b.k
//	  Join (cross)                 =>     Filter (a.x > 1)
//	    Scan a                              Scan a
//	    Scan b                            Scan b
//
// Filters move down through projections and into join inputs, equalities
// across a join become hash keys, and conditions on a primary-key prefix
// become a point lookup or a key range. EXPLAIN prints the result with
// Explain.
//
// Column references (ColRef) are positions in the input row of the node
// that evaluates them; OuterRef reaches the row of an enclosing query
// (correlated subqueries).
package planner
