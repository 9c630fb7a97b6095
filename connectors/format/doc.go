// Package format decodes the records of a message source (Kafka, ...) into
// rows: one record's key and value become zero or more rows, each with an
// op, appended to a chunk whose columns are the source's columns.
//
//	record (key, value)          meta (INCLUDE values, from the connector)
//	      │                            │
//	      ▼                            ▼
//	Decoder.Decode ──► payload columns by name (JSON) or position (CSV)
//	      │            + Include columns copied from meta
//	      ▼
//	chunk: + row                 FORMAT PLAIN     one Insert (or none)
//	       + row / - key row     FORMAT UPSERT    Insert (upsert) or Delete
//	       +, U- U+, -           FORMAT DEBEZIUM  c/r, u, d
//
// The supported combinations are FORMAT PLAIN ENCODE JSON, PLAIN CSV,
// UPSERT JSON, DEBEZIUM JSON, PLAIN AVRO and PLAIN PROTOBUF; any other is
// 0A000 at construction.
//
// A record that cannot be decoded (not JSON, not an object, a value that
// does not fit its column, a truncated CSV line) is an error and appends
// nothing: the connector skips it and counts it in its Stats. A Decoder
// is not safe for concurrent use: it reuses its JSON parsers and a row
// buffer.
//
// # JSON values
//
// Columns are looked up by field name, case-sensitively first and then
// ASCII case-insensitively, as RisingWave does; a missing field, or JSON
// null, is NULL. Conversions by column type:
//
//	boolean            true/false; a string is read as boolean text ('t', 'yes', ...)
//	smallint..bigint   an integral number in range (1.0 and 1e3 count as integers);
//	                   a string is read as integer text
//	real, double       a number; a string is read as float text ('NaN', 'Infinity')
//	numeric            the number's exact decimal text (no float rounding)
//	varchar, text      a string; a number, boolean, object or array becomes its JSON text
//	bytea              a string in PostgreSQL's bytea text form ('\x0102');
//	                   base64 under FORMAT DEBEZIUM (Debezium's binary.handling.mode=bytes)
//	date               a string; a number is days since 1970-01-01 (Debezium's Date)
//	time               a string; a number is microseconds since midnight (Debezium's MicroTime)
//	timestamp[tz]      a string (PostgreSQL input, ISO 8601; no zone = UTC); a number
//	                   is UNIX time whose unit follows its magnitude, as RisingWave reads
//	                   it: below 1e11 seconds, below 1e14 milliseconds, below 1e17
//	                   microseconds, else nanoseconds
//	interval, uuid     a string
//	json, jsonb        any JSON value, kept as JSON text (jsonb normalised); JSON null is NULL
//	arrays             a JSON array, element by element; or a string in PostgreSQL array text
//
// Every string goes through types.ParseText, so typmods apply
// (varchar(n) rejects longer values, numeric(p,s) rounds).
//
// # AVRO and PROTOBUF with a schema registry
//
// Records are in the Confluent wire format:
//
//	0x00 | schema id (uint32, big endian) | [protobuf: message index] | payload
//
// The decoder fetches each schema id's schema from the registry once
// (with the schemas it references), compiles it against the columns, and
// caches the result: a plan of read functions, one per field of the
// top-level record or message, chosen by the field's and column's types.
// Only ENCODE options schema.registry (comma-separated URLs),
// schema.registry.username/password, schema.registry.name.strategy =
// 'topic_name_strategy' and, for PROTOBUF, message are accepted.
//
// Columns take the field of their name (exact, else ASCII
// case-insensitive); a field a record's schema lacks is NULL. A field has
// a natural SQL type (avroType, protoType: RisingWave's mapping, jsonb
// where RisingWave has structs and maps) and reaches its column by the
// casts PostgreSQL applies on assignment (bigint to integer with a range
// check, int to double, double to numeric, anything to a string type),
// or, from a string, by the column type's text input. Other pairs
// (boolean into integer) are 42804; at CREATE time (Validate, on the
// latest schema of "<topic>-value") a column without a field is 42703.
// Records, maps and unions of several types read as JSON into
// json/jsonb (and string) columns. Avro unions with null are NULL on
// the null branch; proto3 scalars without presence read their default,
// fields with presence (optional, oneof, messages) are NULL when absent.
//
// A record the schema's plan cannot read (truncated, bytes left over, a
// wrong magic byte, an unknown schema id, a value out of range for its
// column) is an error like any other. When the registry cannot be
// reached, Decode's error wraps ErrUnavailable instead: the caller keeps
// the record and retries later, rather than skip it.
package format
