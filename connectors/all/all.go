// Package all registers every built-in connector; import it for its side
// effects.
package all

import (
	_ "github.com/eddy-db/eddy/connectors/datagen"  // connector = 'datagen'
	_ "github.com/eddy-db/eddy/connectors/fs"       // sink connector = 'fs'
	_ "github.com/eddy-db/eddy/connectors/kafka"    // connector = 'kafka'
	_ "github.com/eddy-db/eddy/connectors/nexmark"  // connector = 'nexmark'
	_ "github.com/eddy-db/eddy/connectors/postgres" // sink connector = 'postgres', 'jdbc'
)
