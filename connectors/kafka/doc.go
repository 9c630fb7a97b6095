// Package kafka is the Kafka source connector, on franz-go.
//
//	CREATE SOURCE s (id int, v varchar)
//	INCLUDE key AS k INCLUDE partition AS p INCLUDE offset AS o INCLUDE timestamp AS ts
//	WITH (connector = 'kafka', topic = 't', properties.bootstrap.server = 'b1:9092,b2:9092',
//	      scan.startup.mode = 'earliest')
//	FORMAT PLAIN ENCODE JSON
//
// or, for records written by a Confluent schema registry serializer,
//
//	FORMAT PLAIN ENCODE AVRO (schema.registry = 'http://registry:8081')
//	FORMAT PLAIN ENCODE PROTOBUF (schema.registry = 'http://registry:8081', message = 'pkg.Event')
//
// A Reader consumes every partition of one topic with explicit offsets
// (kgo.ConsumePartitions / AddConsumePartitions): no consumer group, no
// offsets committed to Kafka. Eddy's checkpoints hold the position
// instead, so replaying from a checkpoint re-reads exactly the records
// after it.
//
//	            poll (≤ chunkRows records)          decode (connectors/format)
//	franz-go ─────────────────────────► pending ──────────────────────────► chunk ─► Next
//	   ▲                                   │ records that do not fit wait
//	   │ AddConsumePartitions              ▼ for the next call
//	discover (every 5 s): new partitions, from the log start
//
// Each Next returns the rows of at most one poll, in a new chunk of at
// most 2048 rows: the records of a poll that do not fit (a Debezium update
// is two rows) wait for the next call.
//
// # Positions
//
// The offset Next returns is the text
//
//	k1:<topic>:<partition>=<next>,<partition>=<next>,...
//
// listing every assigned partition (in partition order) with the offset
// of the next record to read: one past the last record whose rows are in
// the chunks returned so far (a record that could not be decoded counts
// as read). <next> = -2 means "from the start of the log": nothing read
// yet under scan.startup.mode = 'earliest', or a partition found after
// the start. 'latest' and scan.startup.timestamp.millis (which wins over
// the mode) are resolved to exact offsets with ListOffsets when the
// partitions are first seen, so every position replays exactly. A
// partition missing from the offset given to Open (created since) is
// read from its start.
//
// # Failures
//
// Validate contacts the brokers (a few seconds at most): 08001 when none
// can be reached, 22023 when the topic does not exist; with ENCODE AVRO
// or PROTOBUF it then checks the topic's value schema in the registry
// (format.Validate). Once open, a reader never fails because of the
// brokers: franz-go reconnects, Next keeps waiting, and Reader.Status
// says what it is waiting for. A record that cannot be decoded is
// skipped and reported to spec.Stats with its partition and offset. A
// record the decoder cannot decode yet because the schema registry is
// unreachable (format.ErrUnavailable) is not skipped: it and the records
// after it wait, and Next retries every retryInterval.
package kafka
