package storage

import "encoding/binary"

// SystemTableID is the table id of Eddy's own metadata: the catalog, the
// last committed epoch and source offsets live under it.
const SystemTableID uint32 = 0

// System key prefixes (after the 4-byte system table id).
const (
	sysCatalog = 'c' // catalog descriptors: 'c' ‖ object id (4 bytes)
	sysMeta    = 'm' // single values: 'm' ‖ name
	sysOffset  = 'o' // source offsets: 'o' ‖ source name
	sysLog     = 'l' // table change logs: 'l' ‖ table id (4) ‖ seq (8)
	sysSinkLog = 's' // sink output logs: 's' ‖ sink id (4) ‖ epoch (8) ‖ seq (4)
)

var epochKey = MetaKey("epoch")

// TablePrefix returns the 4-byte big-endian prefix of every key of a table.
func TablePrefix(id uint32) []byte {
	return binary.BigEndian.AppendUint32(make([]byte, 0, 16), id)
}

// AppendTablePrefix appends a table's 4-byte prefix to b.
func AppendTablePrefix(b []byte, id uint32) []byte {
	return binary.BigEndian.AppendUint32(b, id)
}

// TableSpan returns the [start, end) bounds of all keys of a table.
func TableSpan(id uint32) (start, end []byte) {
	return TablePrefix(id), TablePrefix(id + 1)
}

// CatalogKey is the key of a catalog descriptor.
func CatalogKey(id uint32) []byte {
	b := append(TablePrefix(SystemTableID), sysCatalog)
	return binary.BigEndian.AppendUint32(b, id)
}

// CatalogSpan bounds every catalog descriptor key.
func CatalogSpan() (start, end []byte) {
	s := append(TablePrefix(SystemTableID), sysCatalog)
	e := append(TablePrefix(SystemTableID), sysCatalog+1)
	return s, e
}

// MetaKey is the key of a named system value.
func MetaKey(name string) []byte {
	return append(append(TablePrefix(SystemTableID), sysMeta), name...)
}

// LogKey is the key of entry seq of a table's change log.
func LogKey(table uint32, seq uint64) []byte {
	b := append(TablePrefix(SystemTableID), sysLog)
	b = binary.BigEndian.AppendUint32(b, table)
	return binary.BigEndian.AppendUint64(b, seq)
}

// LogSpan bounds every entry of a table's change log.
func LogSpan(table uint32) (start, end []byte) {
	end = append(append(TablePrefix(SystemTableID), sysLog), binary.BigEndian.AppendUint32(nil, table+1)...)
	return LogKey(table, 0), end
}

// OffsetKey is the key of a source's committed offset.
func OffsetKey(source string) []byte {
	return append(append(TablePrefix(SystemTableID), sysOffset), source...)
}

// SinkLogKey is the key of entry seq of a sink's output for an epoch.
func SinkLogKey(sink uint32, epoch uint64, seq uint32) []byte {
	b := append(TablePrefix(SystemTableID), sysSinkLog)
	b = binary.BigEndian.AppendUint32(b, sink)
	b = binary.BigEndian.AppendUint64(b, epoch)
	return binary.BigEndian.AppendUint32(b, seq)
}

// SinkLogSpan bounds every entry of a sink's output log.
func SinkLogSpan(sink uint32) (start, end []byte) {
	end = append(append(TablePrefix(SystemTableID), sysSinkLog), binary.BigEndian.AppendUint32(nil, sink+1)...)
	return SinkLogKey(sink, 0, 0), end
}

// SinkLogEpoch returns the epoch of a sink log key.
func SinkLogEpoch(key []byte) uint64 {
	if len(key) < 4+1+4+8 {
		return 0
	}
	return binary.BigEndian.Uint64(key[9:17])
}
