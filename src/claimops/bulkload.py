"""Loading columns fast into SQLite or PostgreSQL, for bulk paths (the demo loader today).

A table is written in chunks of columns (`Col`, numpy arrays with a kind). SQLite: executemany of
plain tuples, several rows per statement, while a thread builds the next chunk. PostgreSQL: one COPY
per table, its text built as byte matrices with numpy (no Python object per value) and fed through a
queue so the server parses while the next chunk is built. Values take the form SQLAlchemy's column
types give them (SQLite: naive UTC "YYYY-MM-DD HH:MM:SS.ffffff" text and decimal strings), so the ORM
reads them back unchanged. `set_aside` drops a load's secondary indexes (on PostgreSQL also its
foreign keys) and puts them back after it, which re-validates every reference.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import chain
from typing import Any, TypeVar

import numpy as np
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import Connection

from claimops.claims.columnar import DAY, Arr
from claimops.errors import ValidationFailed

COPY_ROWS = 100_000  # rows per block of COPY text built at once
SQLITE_ROWS = 32  # rows per INSERT statement on SQLite (32 x 22 columns: far below its 32,766 variables)


class Clock:
    """Wall and CPU seconds per phase, for the report (the gap is waiting: on the disk, the server
    or other processes)."""

    def __init__(self, phases: dict[str, float], cpu: dict[str, float]) -> None:
        self.phases, self.cpu = phases, cpu
        self.reset()

    def reset(self) -> None:
        self.t, self.c = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.phases[name] = self.phases.get(name, 0.0) + now - self.t
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu - self.c
        self.t, self.c = now, cpu


@dataclass(frozen=True)
class Col:
    """One column of a chunk. kind: int, money (cents), ts (epoch seconds), date (day number), bool,
    label (codes into `table`, where None is NULL; code -1 is the last entry), text, or hex (a list of
    64-character hex digests)."""

    kind: str
    values: Any
    null: Arr | None = None  # rows that are NULL (int, money, ts)
    table: Sequence[str | None] = ()


Rows = list[tuple[str, Col]]  # a chunk of a table: its columns by name


def opt(kind: str, values: Arr) -> Col:
    """A column where -1 stands for NULL."""
    return Col(kind, np.maximum(values, 0), values < 0)


def _escape(s: str) -> str:
    """COPY text format: backslash, tab and line breaks are escaped."""
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


POW10 = 10 ** np.arange(19, dtype=np.int64)
NULL = b"\\N"


def _digits(values: Arr) -> tuple[Arr, Arr]:
    """Decimal digits of non-negative ints, left-aligned: (n, width) bytes and lengths."""
    v = values.astype(np.int64)
    length = 1 + (v[:, None] >= POW10[None, 1:]).sum(axis=1)
    width = int(length.max()) if len(v) else 1
    exp = length[:, None] - 1 - np.arange(width)[None, :]
    digits = (v[:, None] // POW10[np.maximum(exp, 0)]) % 10 + ord("0")
    return np.where(exp >= 0, digits, 0).astype(np.uint8), length


def _null_rows(mat: Arr, length: Arr, null: Arr | None) -> tuple[Arr, Arr]:
    if null is not None and null.any():
        if mat.shape[1] < 2:
            mat = np.concatenate([mat, np.zeros((len(mat), 2 - mat.shape[1]), dtype=np.uint8)], axis=1)
        mat[null] = 0
        mat[null, 0], mat[null, 1] = NULL[0], NULL[1]
        length = np.where(null, 2, length)
    return mat, length


def _byte_table(texts: Sequence[bytes]) -> tuple[Arr, Arr]:
    width = max([len(t) for t in texts] + [1])
    mat = np.array(texts, dtype=f"S{width}").view(np.uint8).reshape(len(texts), width)
    return mat, np.array([len(t) for t in texts], dtype=np.int64)


class Format:
    """Columns in the form a dialect takes them, as SQLAlchemy's column types would bind them:
    Python values for SQLite's executemany, byte matrices for PostgreSQL's COPY text."""

    def __init__(self, pg: bool, day_lo: int, day_hi: int) -> None:
        self.pg = pg
        self.day0 = day_lo
        self._tables: dict[int, tuple[Sequence[str | None], tuple[Arr, Arr]]] = {}
        iso = np.datetime_as_string(np.arange(day_lo, day_hi + 1).astype("datetime64[D]"), unit="D").tolist()
        tod = [f"{h:02d}:{mi:02d}:{s:02d}.000000" for h in range(24) for mi in range(60) for s in range(60)]
        if pg:
            self.date_bytes = _byte_table([d.encode() for d in iso])[0]
            self.day_bytes = _byte_table([f"{d} ".encode() for d in iso])[0]
            self.tod_bytes = _byte_table([f"{t}+00".encode() for t in tod])[0]
        else:
            self.dates = np.array(iso, dtype=object)
            self.days = self.dates + " "
            self.tod = np.array(tod, dtype=object)

    def values(self, col: Col) -> list[Any]:
        """SQLite: Python values (None for NULL)."""
        kind, values, null = col.kind, col.values, col.null
        if kind == "label":
            return list(np.array(col.table, dtype=object)[values].tolist())
        if kind == "text":
            return list(values.tolist() if isinstance(values, np.ndarray) else values)
        if kind == "hex":
            return list(values)
        if kind == "int":
            arr = values.astype(object)
        elif kind == "money":
            # NUMERIC affinity stores the text "12.34" as the REAL nearest to it, which is what
            # cents / 100 is (a test compares the two); a float costs a tenth of formatting text.
            arr = (values / 100).astype(object)
        elif kind == "ts":
            v = values if null is None else np.where(null, self.day0 * DAY, values)
            arr = self.days[v // DAY - self.day0] + self.tod[v % DAY]
        elif kind == "date":
            arr = self.dates[values.astype(np.int64) - self.day0]
        elif kind == "bool":
            arr = values.astype(np.int8).astype(object)
        else:
            raise ValueError(f"unknown column kind {kind}")
        if null is not None:
            arr[null] = None
        return list(arr.tolist())

    def matrix(self, col: Col) -> tuple[Arr, Arr]:
        """PostgreSQL: (rows, width) bytes, NUL-padded, and the length of each row's text."""
        kind, values, null = col.kind, col.values, col.null
        if kind == "label":
            mat, length = self._label_table(col.table)
            return mat[values], length[values]
        if kind == "text":
            if isinstance(values, np.ndarray) and values.dtype.kind == "U":
                try:  # ASCII (numbers, codes): converted by numpy
                    raw = values.astype("S")
                    mat = raw.view(np.uint8).reshape(len(raw), raw.dtype.itemsize)
                    if not np.isin(mat, list(b"\\\t\n\r")).any():
                        return mat, np.strings.str_len(raw).astype(np.int64)
                except UnicodeEncodeError:
                    pass
            texts = values.tolist() if isinstance(values, np.ndarray) else list(values)
            return _byte_table([_escape(t).encode() for t in texts])
        if kind == "hex":
            mat = np.frombuffer("".join(values).encode(), dtype=np.uint8).reshape(len(values), 64)
            return mat, np.full(len(values), 64, dtype=np.int64)
        n = len(values)
        if kind == "int":
            mat, length = _digits(values)
        elif kind == "money":
            whole, length = _digits(values // 100)
            mat = np.zeros((n, whole.shape[1] + 3), dtype=np.uint8)
            mat[:, : whole.shape[1]] = whole
            rows = np.arange(n)
            mat[rows, length] = ord(".")
            mat[rows, length + 1] = (values % 100) // 10 + ord("0")
            mat[rows, length + 2] = values % 10 + ord("0")
            length = length + 3
        elif kind == "ts":
            v = values if null is None else np.where(null, self.day0 * DAY, values)
            mat = np.concatenate([self.day_bytes[v // DAY - self.day0], self.tod_bytes[v % DAY]], axis=1)
            length = np.full(n, mat.shape[1], dtype=np.int64)
        elif kind == "date":
            mat = self.date_bytes[values.astype(np.int64) - self.day0]
            length = np.full(n, mat.shape[1], dtype=np.int64)
        elif kind == "bool":
            mat = np.where(values, ord("t"), ord("f")).astype(np.uint8)[:, None]
            length = np.ones(n, dtype=np.int64)
        else:
            raise ValueError(f"unknown column kind {kind}")
        return _null_rows(mat, length, null)

    def _label_table(self, table: Sequence[str | None]) -> tuple[Arr, Arr]:
        """A label table as bytes, cached while the same table object is in use."""
        hit = self._tables.get(id(table))
        if hit is not None and hit[0] is table:
            return hit[1]
        if len(self._tables) > 64:
            self._tables.clear()
        got = _byte_table([NULL if t is None else _escape(t).encode() for t in table])
        self._tables[id(table)] = (table, got)
        return got


def copy_text(fmt: Format, cols: Rows) -> bytes:
    """COPY text of a chunk: each column's bytes, tab-separated, rows ending in a newline, built as
    one (rows, width) matrix from which the padding is dropped."""
    pieces = [fmt.matrix(c) for _, c in cols]
    n = len(pieces[0][1])
    width = sum(m.shape[1] + 1 for m, _ in pieces)
    buf = np.zeros((n, width), dtype=np.uint8)
    keep = np.zeros((n, width), dtype=bool)
    pos = 0
    for k, (mat, length) in enumerate(pieces):
        w = mat.shape[1]
        buf[:, pos : pos + w] = mat
        keep[:, pos : pos + w] = np.arange(w)[None, :] < length[:, None]
        buf[:, pos + w] = ord("\n") if k == len(pieces) - 1 else ord("\t")
        keep[:, pos + w] = True
        pos += w + 1
    return bytes(buf[keep].tobytes())


class Writer:
    """Writes a table's chunks: executemany of tuples (SQLite), or one COPY per table (PostgreSQL)
    fed from a queue, so the server parses one chunk while the next is built."""

    def __init__(self, raw: Any, fmt: Format, clock: Clock) -> None:
        self.raw = raw
        self.fmt = fmt
        self.clock = clock

    def table(self, table: str, chunks: Iterator[Rows]) -> None:
        self.clock.lap("prepare")
        if self.fmt.pg:
            self._copy(table, chunks)
        else:
            self._insert(table, chunks)
        self.clock.lap(f"write {table}")

    def _copy(self, table: str, chunks: Iterator[Rows]) -> None:
        clock = self.clock
        with ExitStack() as stack:
            copy: Any = None
            for cols in chunks:
                n = len(cols[0][1].values)
                for lo in range(0, n, COPY_ROWS):
                    block = [(name, part(c, lo, lo + COPY_ROWS)) for name, c in cols]
                    body = copy_text(self.fmt, block)
                    clock.lap(f"build {table}")
                    if copy is None:
                        columns = ", ".join(f'"{name}"' for name, _ in cols)
                        cur = stack.enter_context(self.raw.cursor())
                        statement = f"COPY {table} ({columns}) FROM STDIN"
                        copy = stack.enter_context(cur.copy(statement, writer=QueuedLibpqWriter(cur)))
                    copy.write(body)
                    clock.lap(f"write {table}")

    def _insert(self, table: str, chunks: Iterator[Rows]) -> None:
        """executemany while a thread builds the next chunk's tuples: sqlite3 lets go of the GIL
        while SQLite works. `build` phases are that thread's own time, spent during `write`."""
        built = {"wall": 0.0, "cpu": 0.0}

        def batches() -> Iterator[tuple[str, int, list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
            for cols in chunks:
                t0, c0 = time.perf_counter(), time.thread_time()
                rows = list(zip(*[self.fmt.values(c) for _, c in cols], strict=True))
                whole = len(rows) - len(rows) % SQLITE_ROWS
                # several rows per statement: fewer calls into sqlite3 per row
                flat = [
                    tuple(chain.from_iterable(rows[i : i + SQLITE_ROWS]))
                    for i in range(0, whole, SQLITE_ROWS)
                ]
                columns = ", ".join(f'"{name}"' for name, _ in cols)
                built["wall"] += time.perf_counter() - t0
                built["cpu"] += time.thread_time() - c0
                yield columns, len(cols), flat, rows[whole:]

        for columns, width, flat, rest in ahead(batches()):
            marks = "(" + ", ".join("?" * width) + ")"
            insert = f"INSERT INTO {table} ({columns}) VALUES "
            self.raw.executemany(insert + ", ".join([marks] * SQLITE_ROWS), flat)
            self.raw.executemany(insert + marks, rest)
        self.clock.lap(f"write {table}")
        self.clock.phases[f"build {table}"] = built["wall"]
        self.clock.cpu[f"build {table}"] = built["cpu"]
        self.clock.cpu[f"write {table}"] -= built["cpu"]


_T = TypeVar("_T")


def ahead(items: Iterator[_T]) -> Iterator[_T]:
    """`items`, computed in a thread one item ahead of the consumer."""
    q: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def run() -> None:
        try:
            for item in items:
                q.put((False, item))
                if stop.is_set():
                    return
            q.put((True, None))
        except BaseException as exc:  # handed to the consumer, which raises it
            q.put((True, exc))

    worker = threading.Thread(target=run, name="bulk-load-build", daemon=True)
    worker.start()
    try:
        while True:
            done, item = q.get()
            if done:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a put, so the thread sees `stop`
            try:
                q.get(timeout=0.05)
            except queue.Empty:
                pass
        worker.join()


def part(col: Col, lo: int, hi: int) -> Col:
    null = None if col.null is None else col.null[lo:hi]
    return Col(col.kind, col.values[lo:hi], null, col.table)


@dataclass
class SetAside:
    """Secondary indexes, and on PostgreSQL the foreign keys, of the tables a load writes: dropped
    before it (rows append without index upkeep) and put back after it."""

    conn: Connection
    indexes: list[tuple[str, str]]  # (name, CREATE INDEX statement)
    foreign_keys: list[tuple[str, str, str]]  # PostgreSQL: (name, table, definition)

    def restore_indexes(self) -> None:
        for _, sql in self.indexes:
            self.conn.exec_driver_sql(sql)

    def restore_foreign_keys(self) -> None:
        """Puts the foreign keys back, which validates every reference again (on SQLite, where they
        stay but are not enforced during the load, `PRAGMA foreign_key_check` does)."""
        if self.conn.dialect.name == "sqlite":
            broken = self.conn.exec_driver_sql("PRAGMA foreign_key_check").first()
            if broken is not None:
                raise ValidationFailed(f"foreign key violated: {tuple(broken)}", code="BAD_REFERENCE")
            return
        for name, table, definition in self.foreign_keys:
            self.conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def set_aside(conn: Connection, tables: Sequence[str]) -> SetAside:
    """Drops the tables' secondary indexes (and on PostgreSQL their foreign keys) for a load."""
    listed = ", ".join(f"'{t}'" for t in tables)
    fks: list[tuple[str, str, str]] = []
    if conn.dialect.name == "sqlite":
        indexes = [
            (str(name), str(sql))
            for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({listed})"
            )
        ]
    else:
        fks = [
            (str(n), str(t), str(d))
            for n, t, d in conn.exec_driver_sql(
                "SELECT con.conname, cls.relname, pg_get_constraintdef(con.oid) FROM pg_constraint con "
                "JOIN pg_class cls ON cls.oid = con.conrelid "
                "JOIN pg_namespace ns ON ns.oid = cls.relnamespace "
                f"WHERE con.contype = 'f' AND ns.nspname = current_schema() AND cls.relname IN ({listed})"
            )
        ]
        indexes = [
            (str(name), str(sql))
            for name, sql in conn.exec_driver_sql(
                "SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid "
                "JOIN pg_namespace ns ON ns.oid = tc.relnamespace "
                f"WHERE ns.nspname = current_schema() AND tc.relname IN ({listed}) AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            )
        ]
        for name, table, _ in fks:
            conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return SetAside(conn, indexes, fks)
