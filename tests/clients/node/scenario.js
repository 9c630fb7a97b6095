'use strict'
// Runs the client compatibility scenario through node-postgres and prints
// a JSON report on stdout: every value read back with its JavaScript type,
// command results, error fields and notices. The Go test compares the
// report with expected.json.
//
// The server comes from PGHOST, PGPORT, PGUSER, PGDATABASE and PGPASSWORD
// (optional); PREFIX names the tables (default "node"). Run with TZ=UTC:
// node-postgres reads date and timestamp values in the local time zone.
//
// The scenario runs twice: "simple" sends every statement as a simple
// Query with the values written into the SQL; "extended" sends parameters
// with Parse/Bind/Execute and reads back through a named statement. Its
// steps: the types table (create, insert, select, select_by_text), errors
// and going on after each, a windowed materialized view (VIEW_SQL,
// FLUSH_SQL), a value of every type as a parameter, cancelling a query
// (client.cancel and statement_timeout), transactions. A step that fails
// records its error and the run goes on; the exit code is 0 unless
// connecting fails or the script itself breaks.
//
// After both runs, the copy step writes rows with COPY FROM STDIN and
// reads them back with COPY TO STDOUT through pg-copy-streams.

const { Client, Query } = require('pg')
const { prepareValue } = require('pg/lib/utils')
const { from: copyFrom, to: copyTo } = require('pg-copy-streams')
const { finished } = require('stream/promises')

const prefix = process.env.PREFIX || 'node'

const columns = [
  ['id', 'int PRIMARY KEY'],
  ['c_bigint', 'bigint'],
  ['c_smallint', 'smallint'],
  ['c_double', 'double precision'],
  ['c_real', 'real'],
  ['c_numeric', 'numeric'],
  ['c_varchar', 'varchar'],
  ['c_text', 'text'],
  ['c_bool', 'boolean'],
  ['c_date', 'date'],
  ['c_ts', 'timestamp'],
  ['c_tstz', 'timestamptz'],
  ['c_interval', 'interval'],
  ['c_bytea', 'bytea'],
  ['c_jsonb', 'jsonb']
]
const columnList = columns.map((c) => c[0]).join(', ')

// The scenario rows as node-postgres parameters. 64-bit integers and
// numerics go as strings (a JavaScript number cannot hold them), the
// timestamptz with its offset as a string, the jsonb as an object.
const rows = [
  [1, '9223372036854775807', 32767, 3.5, 1.25, '12345.678900', 'hello', 'plain text', true,
    '2024-02-29', '2024-02-29 13:45:30.123456', '2024-06-01 12:00:00+05:30',
    '1 year 2 mons 3 days 04:05:06.5', Buffer.from([0x00, 0xff, 0x10]), { a: 1, b: [true, null, 'x'] }],
  [2, '-9223372036854775808', -32768, -2.5e-10, -0.75, '-0.001', 'héllo wörld ✓ 日本語',
    "emoji 🚀, quote ' and backslash \\", false,
    '1999-12-31', '1999-12-31 23:59:59', '2000-01-01 00:00:00-08:00',
    '-1 mons +15 days -00:00:30', Buffer.alloc(0), { k: 'ü', n: -1.5, e: {} }],
  [3, null, null, null, null, null, null, null, null, null, null, null, null, null, null]
]

// The windowed view step: the events (id, ts, amount, price), ids 1-4
// before the first read, id 5 after it. VIEW_SQL and FLUSH_SQL are the
// statements that create the view ({view} over {table}) and wait for it.
const events = [
  [1, '2024-06-01 12:00:05+00', 3, '1.50'],
  [2, '2024-06-01 12:00:59.999+00', 4, '2.25'],
  [3, '2024-06-01 12:01:00+00', 5, null],
  [4, '2024-06-01 14:31:10+02', null, '10'],
  [5, '2024-06-01 12:00:30+00', 10, '0.25']
]
const windowFrom = new Date('2024-06-01T12:00:00Z')

// The parameters step: one value of every type, read back with CAST.
const paramColumns = [
  ['p_bool', 'boolean'], ['p_int2', 'smallint'], ['p_int4', 'integer'], ['p_int8', 'bigint'],
  ['p_float4', 'real'], ['p_float8', 'double precision'], ['p_numeric', 'numeric'],
  ['p_text', 'text'], ['p_varchar', 'varchar'], ['p_bytea', 'bytea'],
  ['p_date', 'date'], ['p_time', 'time'], ['p_ts', 'timestamp'],
  ['p_tstz', 'timestamptz'], ['p_interval', 'interval'], ['p_jsonb', 'jsonb'],
  ['p_uuid', 'uuid'], ['p_int_array', 'integer[]'], ['p_text_array', 'text[]']
]
const paramValues = [true, -32768, 2147483647, '-9223372036854775808', 1.5, -0.1,
  '-12345678901234567890.000123', 'it\'s a "text" \\ ✓', 'välue', Buffer.from([0x00, 0x01, 0xfe, 0xff]),
  '2024-02-29', '23:59:59.999999', '2024-02-29 13:45:30.5', new Date('2024-06-01T12:00:00+05:30'),
  '1 year 2 mons 3 days 04:05:06.5', { a: [1, 'x', null], b: { c: true } },
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', [1, null, -3], ['a', 'b,c', null, 'q"uote']]
const paramsQuery = 'SELECT ' + paramColumns.map(([n, t], i) => `CAST($${i + 1} AS ${t}) AS ${n}`).join(', ')

// describe turns a value read from the server into {type, value} with a
// JSON-stable value.
function describe (v) {
  if (v === null) return { type: 'null' }
  if (Buffer.isBuffer(v)) return { type: 'Buffer', value: v.toString('hex') }
  if (v instanceof Date) return { type: 'Date', value: v.toISOString() }
  if (Array.isArray(v)) return { type: 'Array', value: v.map(describe) }
  const t = typeof v
  if (t === 'object') {
    const name = v.constructor ? v.constructor.name : 'Object'
    if (name === 'PostgresInterval') {
      return { type: name, value: Object.assign({}, v), postgres: v.toPostgres() }
    }
    return { type: name, value: v }
  }
  return { type: t, value: v }
}

function errorFields (err) {
  return { severity: err.severity || null, code: err.code || null, message: err.message }
}

// copyError adds an error's context: where in the data COPY stopped.
function copyError (err) {
  return { ...errorFields(err), where: err.where || null }
}

// The copy step's data. copyText is COPY's text format: a NULL in
// every column but the key, a value with an escaped tab, newline and
// backslash, a literal \N string, non-ASCII text and quotes. copyCSV
// is CSV with a header: a quoted value holding a comma, doubled quotes
// and a newline, an unquoted empty value (NULL) and a quoted one (the
// empty string).
const copyText = [
  '1\tplain\t1.50\t2024-06-01 12:00:00+00\n',
  '2\t\\N\t\\N\t\\N\n',
  '3\ttab\\there, new\\nline, back\\\\slash\t-0.001\t2024-02-29 23:59:59.5+05:30\n',
  '4\t\\\\N is not null\t0\t1999-12-31 23:59:59-08\n',
  '5\tü ✓ 🚀 \'single\' "double"\t12345678901234567890.5\t\\N\n'
].join('')
const copyCSV = [
  'id,name,amount',
  '6,"comma, ""quoted""',
  'and a newline",7',
  '7,,8',
  '8,"",9',
  ''
].join('\n')

// chunks cuts data into pieces of n bytes, so that CopyData messages end
// inside lines and inside UTF-8 characters.
function chunks (data, n) {
  const b = Buffer.from(data, 'utf8')
  const out = []
  for (let i = 0; i < b.length; i += n) out.push(b.subarray(i, i + n))
  return out
}

// copyIn runs a COPY FROM STDIN with the given CopyData payloads and
// returns the rows counted by the client and the command tag.
async function copyIn (client, tags, sql, payloads) {
  const stream = client.query(copyFrom(sql))
  for (const p of payloads) stream.write(p)
  stream.end()
  await finished(stream)
  return { rowCount: stream.rowCount, command: tags[tags.length - 1] }
}

// copyOut runs a COPY TO STDOUT and returns its data as lines, the rows
// counted by the client and the command tag.
async function copyOut (client, tags, sql) {
  const stream = client.query(copyTo(sql))
  const parts = []
  for await (const part of stream) parts.push(part)
  return { lines: Buffer.concat(parts).toString('utf8').split('\n'), rowCount: stream.rowCount, command: tags[tags.length - 1] }
}

async function copyScenario (client, tags) {
  const table = `${prefix}_copy`
  const report = {}
  const rows = async () => (await client.query(`SELECT id, name, amount::text, at FROM ${table} ORDER BY id`)).rows
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, describe(v)])))
  await step(report, 'from', async () => {
    await client.query(`CREATE TABLE ${table} (id int PRIMARY KEY, name text, amount numeric, at timestamptz)`)
    const out = {}
    out.text = await copyIn(client, tags, `COPY ${table} FROM STDIN`, chunks(copyText, 7))
    out.csv = await copyIn(client, tags, `COPY ${table} (id, name, amount) FROM STDIN WITH (FORMAT csv, HEADER true)`, [copyCSV])
    out.rows = await rows()
    return out
  })
  await step(report, 'errors', async () => {
    const out = {}
    // A value COPY cannot read: the whole COPY fails, its good first
    // row included.
    try {
      await copyIn(client, tags, `COPY ${table} FROM STDIN`, ['9\tgood\t1\t\\N\n10\tbad\tnot a number\t\\N\n'])
    } catch (err) {
      out.bad_value = copyError(err)
    }
    // destroy() makes the client send CopyFail, here once one line has
    // gone to the server.
    const stream = client.query(copyFrom(`COPY ${table} FROM STDIN`))
    await new Promise((resolve) => stream.write('11\tabandoned\t1\t\\N\n', resolve))
    stream.destroy(new Error('the client gave up'))
    try {
      await finished(stream)
    } catch (err) {
      out.copy_fail = copyError(err)
    }
    out.after = (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows
    return out
  })
  await step(report, 'to', async () => {
    await client.query("SET TimeZone = 'UTC'")
    const out = {}
    out.text = await copyOut(client, tags, `COPY (SELECT id, name, amount, at FROM ${table} ORDER BY id) TO STDOUT`)
    out.csv = await copyOut(client, tags, `COPY (SELECT id, name, amount FROM ${table} WHERE id >= 5 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true)`)
    out.empty = await copyOut(client, tags, `COPY (SELECT id FROM ${table} WHERE id < 0) TO STDOUT`)
    return out
  })
  return report
}

// literal writes a parameter as SQL for the simple protocol, in the text
// form node-postgres sends it in (arrays as array literals, objects as
// JSON, dates in the local zone).
function literal (client, v) {
  if (v === null) return 'NULL'
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Buffer.isBuffer(v)) return "'\\x" + v.toString('hex') + "'"
  return client.escapeLiteral(prepareValue(v))
}

function commandResult (res) {
  return { command: res.command, rowCount: res.rowCount }
}

async function step (report, name, fn) {
  try {
    report[name] = await fn()
  } catch (err) {
    report[name] = { failed: errorFields(err) }
  }
}

async function scenario (client, mode, notices) {
  const table = `${prefix}_${mode}`
  const report = {}
  const simple = mode === 'simple'
  // query sends one statement: with the values written in for the
  // simple mode, as parameters otherwise.
  const query = (text, values, name) => {
    if (simple) {
      const sql = text.replace(/\$(\d+)/g, (_, i) => literal(client, values[Number(i) - 1]))
      return client.query(sql)
    }
    return client.query(name ? { name, text, values } : { text, values })
  }

  await step(report, 'create', async () => {
    const defs = columns.map((c) => c.join(' ')).join(', ')
    return commandResult(await client.query(`CREATE TABLE ${table} (${defs})`))
  })

  await step(report, 'insert', async () => {
    const ps = columns.map((_, i) => `$${i + 1}`).join(', ')
    const out = []
    for (const r of rows) {
      out.push(commandResult(await query(`INSERT INTO ${table} (${columnList}) VALUES (${ps})`, r)))
    }
    return out
  })

  await step(report, 'select', async () => {
    const res = await query(`SELECT ${columnList} FROM ${table} WHERE id >= $1 ORDER BY id`, [1], 'select_all')
    return {
      command: res.command,
      rowCount: res.rowCount,
      fields: res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID, format: f.format })),
      rows: res.rows.map((row) => Object.fromEntries(columns.map(([c]) => [c, describe(row[c])])))
    }
  })

  await step(report, 'select_by_text', async () => {
    const out = []
    // The named statement is parsed once and run twice.
    for (let i = 0; i < 2; i++) {
      const res = await query(`SELECT id, c_text FROM ${table} WHERE c_varchar = $1`, ['héllo wörld ✓ 日本語'], 'by_varchar')
      out.push(res.rows)
    }
    const tz = await query(`SELECT id FROM ${table} WHERE c_tstz = $1`, ['2024-06-01 03:30:00-03'])
    out.push(tz.rows)
    return out
  })

  await step(report, 'error', async () => {
    const out = []
    for (const [text, values] of [['SELECT * FROM no_such_table', []],
      [`SELECT no_such_column FROM ${table}`, []], ['SELECT 1 / $1::int', [0]]]) {
      let failed = null
      try {
        await query(text, values)
      } catch (err) {
        failed = errorFields(err)
      }
      const after = await client.query(`SELECT id FROM ${table} ORDER BY id`)
      out.push({ failed, after: after.rows.map((r) => r.id) })
    }
    return out
  })

  await step(report, 'stream', async () => {
    const events_ = `${table}_events`
    const view = `${table}_per_minute`
    const out = {}
    out.create = commandResult(await client.query(`CREATE TABLE ${events_} (id int PRIMARY KEY, ts timestamptz, amount int, price numeric)`))
    await client.query(process.env.VIEW_SQL.replace('{view}', view).replace('{table}', events_))
    const flush = async () => { if (process.env.FLUSH_SQL) await client.query(process.env.FLUSH_SQL) }
    const insert = `INSERT INTO ${events_} (id, ts, amount, price) VALUES ($1, $2, $3, $4)`
    out.insert = []
    for (const e of events.slice(0, 4)) out.insert.push(commandResult(await query(insert, e)))
    await flush()
    const res = await query(`SELECT window_start, window_end, n, total, revenue FROM ${view} WHERE window_start >= $1 ORDER BY window_start`, [windowFrom])
    out.fields = res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }))
    out.windows = res.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, describe(v)])))
    await query(insert, events[4])
    await flush()
    const one = await query(`SELECT n, total, revenue FROM ${view} WHERE window_start = $1`, [windowFrom])
    out.window_after = one.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, describe(v)])))
    return out
  })

  await step(report, 'params', async () => {
    const out = {}
    for (const [name, values] of [['values', paramValues], ['nulls', paramValues.map(() => null)]]) {
      const res = await query(paramsQuery, values)
      out[name] = {
        fields: res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID, format: f.format })),
        rows: res.rows.map((row) => Object.fromEntries(paramColumns.map(([c]) => [c, describe(row[c])])))
      }
    }
    return out
  })

  await step(report, 'cancel', async () => {
    const out = {}
    // node-postgres cancels a running query with a second client's
    // cancel(client, query), which sends a CancelRequest. It is sent
    // again until the query ends: a cancel that reaches the server before
    // the statement starts is lost.
    const sleep = simple ? new Query('SELECT pg_sleep(30)') : new Query('SELECT pg_sleep($1)', [30])
    const started = Date.now()
    const done = new Promise((resolve) => {
      sleep.on('end', () => resolve(null))
      sleep.on('error', (err) => resolve(err))
    })
    client.query(sleep)
    const timer = setInterval(() => new Client(connConfig()).cancel(client, sleep), 100)
    const err = await done
    clearInterval(timer)
    out.cancel = { failed: err && errorFields(err), fast: Date.now() - started < 10000 }
    out.cancel.after = (await client.query('SELECT 1 AS one')).rows

    await client.query("SET statement_timeout = '100ms'")
    let failed = null
    try {
      await query('SELECT pg_sleep($1)', [30])
    } catch (e) {
      failed = errorFields(e)
    }
    await client.query('SET statement_timeout = 0')
    out.statement_timeout = { failed, after: (await client.query('SELECT 1 AS one')).rows }
    return out
  })

  await step(report, 'transaction', async () => {
    const out = []
    for (const [id, end] of [[10, 'ROLLBACK'], [11, 'COMMIT']]) {
      const r = { begin: commandResult(await client.query('BEGIN')) }
      r.insert = commandResult(await query(`INSERT INTO ${table} (id, c_text) VALUES ($1, $2)`, [id, 'in transaction']))
      r.inside = (await query(`SELECT id, c_text FROM ${table} WHERE id = $1`, [id])).rows
      r.end = commandResult(await client.query(end))
      r.after = (await query(`SELECT id, c_text FROM ${table} WHERE id = $1`, [id])).rows
      out.push(r)
    }
    return out
  })

  report.notices = notices.splice(0)
  return report
}

function connConfig () {
  return {
    host: process.env.PGHOST,
    port: Number(process.env.PGPORT),
    user: process.env.PGUSER,
    database: process.env.PGDATABASE,
    password: process.env.PGPASSWORD || undefined,
    application_name: 'eddy-node-test'
  }
}

async function main () {
  const client = new Client(connConfig())
  const notices = []
  client.on('notice', (msg) => notices.push({ severity: msg.severity, code: msg.code, message: msg.message }))
  const params = {}
  client.connection.on('parameterStatus', (msg) => { params[msg.parameterName] = msg.parameterValue })
  const tags = []
  client.connection.on('commandComplete', (msg) => tags.push(msg.text))
  await client.connect()

  const report = {
    connect: {
      notices: notices.splice(0),
      server_version_major: (params.server_version || '').split('.')[0],
      client_encoding: params.client_encoding,
      standard_conforming_strings: params.standard_conforming_strings,
      DateStyle: params.DateStyle,
      IntervalStyle: params.IntervalStyle,
      integer_datetimes: params.integer_datetimes,
      application_name: params.application_name,
      has_backend_key: typeof client.processID === 'number' && client.processID !== 0
    }
  }
  for (const mode of ['simple', 'extended']) {
    report[mode] = await scenario(client, mode, notices)
  }
  report.copy = await copyScenario(client, tags)
  report.copy.notices = notices.splice(0)
  await client.end()
  process.stdout.write(JSON.stringify(report) + '\n')
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n')
  process.exit(1)
})
