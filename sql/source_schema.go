package sql

import (
	"context"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// schemaColumns derives the columns of a CREATE SOURCE that lists none
// from the schema its connector finds in a schema registry (FORMAT PLAIN
// ENCODE AVRO | PROTOBUF, as RisingWave does). It returns nil when the
// connector or encoding has no such schema.
func schemaColumns(cs *parser.CreateSource) ([]catalog.Column, error) {
	spec := &connectors.Spec{Name: cs.Name, With: map[string]string{}, EncodeOptions: map[string]string{},
		Format: cs.Format, Encode: cs.Encode}
	for _, kv := range cs.With {
		spec.With[kv.Key] = kv.Value
	}
	for _, kv := range cs.EncodeOptions {
		spec.EncodeOptions[kv.Key] = kv.Value
	}
	conn, err := connectors.Lookup(spec)
	if err != nil || conn.Columns == nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), validateTimeout)
	defer cancel()
	cols, err := conn.Columns(ctx, spec)
	if err != nil {
		return nil, err
	}
	out := make([]catalog.Column, 0, len(cols))
	for _, c := range cols {
		for _, prev := range out {
			if prev.Name == c.Name {
				return nil, sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once (in the registry's schema)", c.Name)
			}
		}
		out = append(out, catalog.Column{Name: c.Name, Type: c.Type})
	}
	return out, nil
}
