"""Writing the demo's later tables (surveys, assignments) as columns through the claims loader's
bulk writer, with ids assigned here instead of read back after the insert."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection

from claimops.bulkload import Clock, Format, Rows, Writer, set_aside
from claimops.claims.columnar import Arr


def next_ids(conn: Connection, table: str, n: int) -> Arr:
    """Ids for n new rows (on PostgreSQL the table is locked until the transaction ends)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    first = int(conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").scalar_one())
    return np.arange(first, first + n, dtype=np.int64)


def write_columns(conn: Connection, tables: dict[str, Rows], day_lo: int, day_hi: int) -> None:
    """COPY on PostgreSQL, executemany on SQLite, with the tables' indexes (and on PostgreSQL their
    foreign keys, validated again when put back) set aside; on SQLite the foreign keys stay on and
    check each row. `day_lo`..`day_hi`: the day numbers the columns' times fall in."""
    pg = conn.dialect.name == "postgresql"
    aside = set_aside(conn, tuple(tables))
    writer = Writer(conn.connection.driver_connection, Format(pg, day_lo, day_hi), Clock({}, {}))
    for table, cols in tables.items():
        writer.table(table, iter([cols]))
    aside.restore_indexes()
    if pg:
        aside.restore_foreign_keys()
        for table in tables:  # the explicit ids: the sequences go on after them
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}), (SELECT COUNT(*) > 0 FROM {table}))"
            )
