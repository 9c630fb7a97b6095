"""Runs the client compatibility scenario through psycopg2.

Prints a JSON report on stdout: every value read back with its Python
type, statement status, error fields, transaction states and notices. The
Go test compares the report with expected.txt.

The server comes from PGHOST, PGPORT, PGUSER, PGDATABASE and PGPASSWORD
(optional); PREFIX names the tables (default "py").

Its steps: the types table (create, insert, select, select_by), errors and
going on after each, a windowed materialized view (VIEW_SQL, FLUSH_SQL), a
value of every type as a parameter, cancelling a query (conn.cancel() and
statement_timeout), transactions, and COPY: rows written with
copy_expert (COPY FROM STDIN in text and CSV format) and copy_from, a
COPY that fails on a bad value, and copy_expert reading COPY TO STDOUT.

The scenario runs twice, on two connections: "default" leaves psycopg2 in
its default mode, where every statement runs inside a transaction that
psycopg2 opens with BEGIN and the script ends with commit() or
rollback(); "autocommit" runs each statement on its own and writes BEGIN,
COMMIT and ROLLBACK itself. Parameters are always written into the SQL by
psycopg2 (client-side). A step that fails records its error and the run
goes on; the exit code is 0 unless connecting fails or the script breaks.
"""

import datetime
import decimal
import io
import json
import os
import sys
import threading
import time

import psycopg2
import psycopg2.extensions as ext
import psycopg2.extras

PREFIX = os.environ.get("PREFIX", "py")

COLUMNS = [
    ("id", "int PRIMARY KEY"),
    ("c_bigint", "bigint"),
    ("c_smallint", "smallint"),
    ("c_double", "double precision"),
    ("c_real", "real"),
    ("c_numeric", "numeric"),
    ("c_varchar", "varchar"),
    ("c_text", "text"),
    ("c_bool", "boolean"),
    ("c_date", "date"),
    ("c_ts", "timestamp"),
    ("c_tstz", "timestamptz"),
    ("c_interval", "interval"),
    ("c_bytea", "bytea"),
    ("c_jsonb", "jsonb"),
]
COLUMN_LIST = ", ".join(c for c, _ in COLUMNS)

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
PST = datetime.timezone(datetime.timedelta(hours=-8))

# The scenario rows as psycopg2 parameters. Intervals with months have no
# timedelta form, so they go as strings.
ROWS = [
    (1, 9223372036854775807, 32767, 3.5, 1.25, decimal.Decimal("12345.678900"),
     "hello", "plain text", True, datetime.date(2024, 2, 29),
     datetime.datetime(2024, 2, 29, 13, 45, 30, 123456),
     datetime.datetime(2024, 6, 1, 12, 0, 0, tzinfo=IST),
     "1 year 2 mons 3 days 04:05:06.5", psycopg2.Binary(b"\x00\xff\x10"),
     psycopg2.extras.Json({"a": 1, "b": [True, None, "x"]})),
    (2, -9223372036854775808, -32768, -2.5e-10, -0.75, decimal.Decimal("-0.001"),
     "h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e",
     "emoji \U0001F680, quote ' and backslash \\", False, datetime.date(1999, 12, 31),
     datetime.datetime(1999, 12, 31, 23, 59, 59),
     datetime.datetime(2000, 1, 1, 0, 0, 0, tzinfo=PST),
     "-1 mons +15 days -00:00:30", psycopg2.Binary(b""),
     psycopg2.extras.Json({"k": "\u00fc", "n": -1.5, "e": {}})),
    (3,) + (None,) * 14,
]

# The windowed view step: the events (id, ts, amount, price), ids 1-4
# before the first read, id 5 after it. VIEW_SQL and FLUSH_SQL are the
# statements that create the view ({view} over {table}) and wait for it.
UTC = datetime.timezone.utc
EVENTS = [
    (1, datetime.datetime(2024, 6, 1, 12, 0, 5, tzinfo=UTC), 3, decimal.Decimal("1.50")),
    (2, datetime.datetime(2024, 6, 1, 12, 0, 59, 999000, tzinfo=UTC), 4, decimal.Decimal("2.25")),
    (3, datetime.datetime(2024, 6, 1, 12, 1, 0, tzinfo=UTC), 5, None),
    (4, datetime.datetime(2024, 6, 1, 14, 31, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=2))), None,
     decimal.Decimal("10")),
    (5, datetime.datetime(2024, 6, 1, 12, 0, 30, tzinfo=UTC), 10, decimal.Decimal("0.25")),
]
WINDOW_FROM = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

# The parameters step: one value of every type, read back with CAST (the
# values are written into the SQL, and "-1::smallint" would be -(1::smallint)).
PARAM_COLUMNS = [
    ("p_bool", "boolean"), ("p_int2", "smallint"), ("p_int4", "integer"), ("p_int8", "bigint"),
    ("p_float4", "real"), ("p_float8", "double precision"), ("p_numeric", "numeric"),
    ("p_text", "text"), ("p_varchar", "varchar"), ("p_bytea", "bytea"),
    ("p_date", "date"), ("p_time", "time"), ("p_ts", "timestamp"),
    ("p_tstz", "timestamptz"), ("p_interval", "interval"), ("p_jsonb", "jsonb"),
    ("p_uuid", "uuid"), ("p_int_array", "integer[]"), ("p_text_array", "text[]"),
]
PARAM_VALUES = (
    True, -32768, 2147483647, -9223372036854775808, 1.5, -0.1, decimal.Decimal("-12345678901234567890.000123"),
    "it's a \"text\" \\ \u2713", "v\u00e4lue", psycopg2.Binary(b"\x00\x01\xfe\xff"),
    datetime.date(2024, 2, 29), datetime.time(23, 59, 59, 999999), datetime.datetime(2024, 2, 29, 13, 45, 30, 500000),
    datetime.datetime(2024, 6, 1, 12, 0, tzinfo=IST), "1 year 2 mons 3 days 04:05:06.5",
    psycopg2.extras.Json({"a": [1, "x", None], "b": {"c": True}}), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    [1, None, -3], ["a", "b,c", None, 'q"uote'],
)
PARAMS_QUERY = "SELECT " + ", ".join("CAST(%%s AS %s) AS %s" % (t, n) for n, t in PARAM_COLUMNS)

# The copy step's data. COPY_TEXT is COPY's text format: a NULL in every
# column but the key, a value with an escaped tab, newline and backslash,
# a literal \N string, non-ASCII text and quotes; it is sent in pieces of
# 5 bytes, which cut lines and UTF-8 characters. COPY_FROM goes through
# copy_from (tab-separated, \N for NULL). COPY_CSV is CSV with a header: a
# quoted value holding a comma, doubled quotes and a newline, an unquoted
# empty value (NULL) and a quoted one (the empty string).
COPY_TEXT = (
    "1\tplain\t1.50\t2024-06-01 12:00:00+00\n"
    "2\t\\N\t\\N\t\\N\n"
    "3\ttab\\there, new\\nline, back\\\\slash\t-0.001\t2024-02-29 23:59:59.5+05:30\n"
    "4\t\\\\N is not null\t0\t1999-12-31 23:59:59-08\n"
    "5\t\u00fc \u2713 \U0001F680 'single' \"double\"\t12345678901234567890.5\t\\N\n"
)
COPY_FROM = "6\tfrom copy_from\t\\N\n7\t\\N\t2.5\n"
COPY_CSV = 'id,name,amount\n8,"comma, ""quoted""\nand a newline",7\n9,,8\n10,"",9\n'

STATUS = {
    ext.TRANSACTION_STATUS_IDLE: "idle",
    ext.TRANSACTION_STATUS_ACTIVE: "active",
    ext.TRANSACTION_STATUS_INTRANS: "intrans",
    ext.TRANSACTION_STATUS_INERROR: "inerror",
    ext.TRANSACTION_STATUS_UNKNOWN: "unknown",
}


def describe(v):
    """Returns {type, value} for a value read back, with a JSON-stable value."""
    t = type(v).__name__
    if v is None:
        return {"type": t}
    if isinstance(v, decimal.Decimal):
        return {"type": t, "value": str(v)}
    if isinstance(v, datetime.datetime):
        tz = None if v.tzinfo is None else str(v.utcoffset())
        return {"type": t, "value": v.isoformat(), "utcoffset": tz}
    if isinstance(v, (datetime.date, datetime.time)):
        return {"type": t, "value": v.isoformat()}
    if isinstance(v, list):
        return {"type": t, "value": [describe(e) for e in v]}
    if isinstance(v, datetime.timedelta):
        return {"type": t, "value": {"days": v.days, "seconds": v.seconds, "microseconds": v.microseconds}}
    if isinstance(v, (memoryview, bytes)):
        return {"type": t, "value": bytes(v).hex()}
    return {"type": t, "value": v}


def error_fields(e):
    return {
        "class": type(e).__name__,
        "pgcode": e.pgcode,
        "severity": e.diag.severity,
        "message": e.diag.message_primary,
    }


def step(conn, report, name, fn):
    try:
        report[name] = fn()
    except psycopg2.Error as e:
        report[name] = {"failed": error_fields(e)}
        if not e.pgcode:
            raise
        conn.rollback()


def scenario(conn, mode):
    table = "%s_%s" % (PREFIX, mode)
    autocommit = mode == "autocommit"
    conn.autocommit = autocommit
    cur = conn.cursor()
    report = {}

    def status():
        return STATUS[conn.info.transaction_status]

    def ids(sql, args=None):
        cur.execute(sql, args)
        return [r[0] for r in cur.fetchall()]

    def create():
        defs = ", ".join("%s %s" % c for c in COLUMNS)
        cur.execute("CREATE TABLE %s (%s)" % (table, defs))
        out = {"statusmessage": cur.statusmessage, "status": status()}
        if not autocommit:
            conn.commit()
        return out

    step(conn, report, "create", create)

    def insert():
        ps = ", ".join(["%s"] * len(COLUMNS))
        out = []
        for row in ROWS:
            cur.execute("INSERT INTO %s (%s) VALUES (%s)" % (table, COLUMN_LIST, ps), row)
            out.append({"statusmessage": cur.statusmessage, "rowcount": cur.rowcount, "status": status()})
        if not autocommit:
            conn.commit()
        out.append({"after_commit": status()})
        return out

    step(conn, report, "insert", insert)

    def select():
        cur.execute("SELECT %s FROM %s WHERE id >= %%s ORDER BY id" % (COLUMN_LIST, table), (1,))
        rows = cur.fetchall()
        return {
            "statusmessage": cur.statusmessage,
            "rowcount": cur.rowcount,
            "description": [[d.name, d.type_code] for d in cur.description],
            "rows": [{c: describe(v) for (c, _), v in zip(COLUMNS, r)} for r in rows],
            "status": status(),
        }

    step(conn, report, "select", select)

    def select_by():
        out = {}
        cur.execute("SELECT id, c_text FROM %s WHERE c_varchar = %%s" % table,
                    ("h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e",))
        out["by_varchar"] = cur.fetchall()
        cur.execute("SELECT id FROM %s WHERE c_tstz = %%s" % table,
                    (datetime.datetime(2024, 6, 1, 3, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-3))),))
        out["by_tstz"] = cur.fetchall()
        cur.execute("SELECT id FROM %s WHERE c_numeric = %%s AND c_bytea = %%s" % table,
                    (decimal.Decimal("12345.6789"), psycopg2.Binary(b"\x00\xff\x10")))
        out["by_numeric_bytea"] = cur.fetchall()
        if not autocommit:
            conn.commit()
        return out

    step(conn, report, "select_by", select_by)

    def error():
        out = []
        for sql, args in (("SELECT * FROM no_such_table", None),
                          ("SELECT no_such_column FROM %s" % table, None),
                          ("SELECT 1 / %s::int", (0,))):
            r = {}
            try:
                cur.execute(sql, args)
            except psycopg2.Error as e:
                r["failed"] = error_fields(e)
            r["status"] = status()
            if not autocommit:
                conn.rollback()
            r["after"] = ids("SELECT id FROM %s ORDER BY id" % table)
            if not autocommit:
                conn.commit()
            out.append(r)
        return out

    step(conn, report, "error", error)

    def stream():
        events, view = table + "_events", table + "_per_minute"
        out = {}

        def end():
            if not autocommit:
                conn.commit()

        def flush():
            if os.environ.get("FLUSH_SQL"):
                cur.execute(os.environ["FLUSH_SQL"])
                end()

        def rows():
            return [{d.name: describe(v) for d, v in zip(cur.description, r)} for r in cur.fetchall()]

        cur.execute("CREATE TABLE %s (id int PRIMARY KEY, ts timestamptz, amount int, price numeric)" % events)
        out["create"] = cur.statusmessage
        cur.execute(os.environ["VIEW_SQL"].replace("{view}", view).replace("{table}", events))
        end()
        insert = "INSERT INTO %s (id, ts, amount, price) VALUES (%%s, %%s, %%s, %%s)" % events
        out["insert"] = []
        for e in EVENTS[:4]:
            cur.execute(insert, e)
            out["insert"].append(cur.statusmessage)
        end()
        flush()
        cur.execute("SELECT window_start, window_end, n, total, revenue FROM %s WHERE window_start >= %%s "
                    "ORDER BY window_start" % view, (WINDOW_FROM,))
        out["description"] = [[d.name, d.type_code] for d in cur.description]
        out["windows"] = rows()
        end()
        cur.execute(insert, EVENTS[4])
        end()
        flush()
        cur.execute("SELECT n, total, revenue FROM %s WHERE window_start = %%s" % view, (WINDOW_FROM,))
        out["window_after"] = rows()
        end()
        return out

    step(conn, report, "stream", stream)

    def params():
        out = {}
        for name, values in (("values", PARAM_VALUES), ("nulls", (None,) * len(PARAM_VALUES))):
            cur.execute(PARAMS_QUERY, values)
            out[name] = {
                "description": [[d.name, d.type_code] for d in cur.description],
                "rows": [{c: describe(v) for (c, _), v in zip(PARAM_COLUMNS, r)} for r in cur.fetchall()],
            }
            if not autocommit:
                conn.commit()
        return out

    step(conn, report, "params", params)

    def cancel():
        # conn.cancel() from another thread sends a CancelRequest; it is
        # sent again until the query ends, since a cancel that reaches the
        # server before the statement starts is lost.
        out = {}
        done = threading.Event()

        def canceller():
            while not done.wait(0.1):
                conn.cancel()

        th = threading.Thread(target=canceller)
        started = time.monotonic()
        th.start()
        r = {}
        try:
            cur.execute("SELECT pg_sleep(30)")
        except psycopg2.Error as e:
            r["failed"] = error_fields(e)
        done.set()
        th.join()
        r["fast"] = time.monotonic() - started < 10
        r["status"] = status()
        if not autocommit:
            conn.rollback()
        r["after"] = ids("SELECT 1")
        out["cancel"] = r

        r = {}
        cur.execute("SET statement_timeout = '100ms'")
        try:
            cur.execute("SELECT pg_sleep(30)")
        except psycopg2.Error as e:
            r["failed"] = error_fields(e)
        r["status"] = status()
        if not autocommit:
            conn.rollback()
        cur.execute("SET statement_timeout = 0")
        r["after"] = ids("SELECT 1")
        if not autocommit:
            conn.commit()
        out["statement_timeout"] = r
        return out

    step(conn, report, "cancel", cancel)

    def transaction():
        out = []
        for id_, commit in ((10, False), (11, True)):
            r = {}
            if autocommit:
                cur.execute("BEGIN")
                r["begin"] = cur.statusmessage
            cur.execute("INSERT INTO %s (id, c_text) VALUES (%%s, %%s)" % table, (id_, "in transaction"))
            r["status"] = status()
            r["inside"] = ids("SELECT id FROM %s WHERE id = %%s" % table, (id_,))
            if autocommit:
                cur.execute("COMMIT" if commit else "ROLLBACK")
                r["end"] = cur.statusmessage
            elif commit:
                conn.commit()
            else:
                conn.rollback()
            r["status_after"] = status()
            r["after"] = ids("SELECT id FROM %s WHERE id = %%s" % table, (id_,))
            if not autocommit:
                conn.commit()
            out.append(r)
        return out

    step(conn, report, "transaction", transaction)

    def copy():
        copy_table = table + "_copy"
        out = {}

        def end():
            if not autocommit:
                conn.commit()

        def result():
            return {"statusmessage": cur.statusmessage, "rowcount": cur.rowcount, "status": status()}

        cur.execute("CREATE TABLE %s (id int PRIMARY KEY, name text, amount numeric, at timestamptz)" % copy_table)
        end()
        cur.copy_expert("COPY %s FROM STDIN" % copy_table, io.BytesIO(COPY_TEXT.encode("utf-8")), size=5)
        out["copy_expert_text"] = result()
        cur.copy_from(io.StringIO(COPY_FROM), copy_table, columns=("id", "name", "amount"))
        out["copy_from"] = result()
        cur.copy_expert("COPY %s (id, name, amount) FROM STDIN WITH (FORMAT csv, HEADER true)" % copy_table,
                        io.StringIO(COPY_CSV))
        out["copy_expert_csv"] = result()
        end()
        cur.execute("SELECT id, name, amount, at FROM %s ORDER BY id" % copy_table)
        out["rows"] = [{d.name: describe(v) for d, v in zip(cur.description, r)} for r in cur.fetchall()]
        end()

        # A value COPY cannot read: the whole COPY fails, its good first
        # row included.
        r = {}
        try:
            cur.copy_expert("COPY %s FROM STDIN" % copy_table, io.StringIO("11\tgood\t1\t\\N\n12\tbad\tnot a number\t\\N\n"))
        except psycopg2.Error as e:
            r["failed"] = dict(error_fields(e), context=e.diag.context)
        r["status"] = status()
        if not autocommit:
            conn.rollback()
        r["after"] = ids("SELECT count(*) FROM %s" % copy_table)
        end()
        out["bad_value"] = r

        cur.execute("SET TimeZone = 'UTC'")
        end()
        for name, sql in (
                ("copy_to_text", "COPY (SELECT id, name, amount, at FROM %s ORDER BY id) TO STDOUT" % copy_table),
                ("copy_to_csv", "COPY (SELECT id, name, amount FROM %s WHERE id >= 5 ORDER BY id) "
                                "TO STDOUT WITH (FORMAT csv, HEADER true)" % copy_table)):
            buf = io.StringIO()
            cur.copy_expert(sql, buf)
            out[name] = dict(result(), lines=buf.getvalue().split("\n"))
            end()
        return out

    step(conn, report, "copy", copy)

    report["notices"] = list(conn.notices)
    del conn.notices[:]
    cur.close()
    return report


def main():
    kw = dict(
        host=os.environ["PGHOST"],
        port=os.environ["PGPORT"],
        user=os.environ["PGUSER"],
        dbname=os.environ["PGDATABASE"],
        application_name="eddy-python-test",
    )
    if os.environ.get("PGPASSWORD"):
        kw["password"] = os.environ["PGPASSWORD"]
    report = {}
    for mode in ("default", "autocommit"):
        conn = psycopg2.connect(**kw)
        info = conn.info
        report.setdefault("connect", {
            "notices": list(conn.notices),
            "server_version_major": conn.server_version // 10000,
            "protocol_version": conn.protocol_version,
            "encoding": conn.encoding,
            "standard_conforming_strings": info.parameter_status("standard_conforming_strings"),
            "DateStyle": info.parameter_status("DateStyle"),
            "IntervalStyle": info.parameter_status("IntervalStyle"),
            "has_backend_key": info.backend_pid != 0,
            "status": STATUS[info.transaction_status],
        })
        del conn.notices[:]
        report[mode] = scenario(conn, mode)
        conn.close()
    json.dump(report, sys.stdout, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
