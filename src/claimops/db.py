"""Engine, sessions, declarative Base and the portable column types."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Connection, DateTime, Engine, MetaData, Numeric, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from claimops.clock import as_utc
from claimops.money import to_money

if TYPE_CHECKING:
    from claimops.config import Settings

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out, on SQLite (which keeps naive text) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = as_utc(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class Money(TypeDecorator[Decimal]):
    """CNY with two places. On SQLite it is kept as text-exact cents via NUMERIC and re-quantized."""

    impl = Numeric(14, 2, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        money = to_money(value)
        return str(money) if dialect.name == "sqlite" else money

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return to_money(repr(value) if isinstance(value, float) else value)


READ_ONLY = "claimops_read_only"
LIMITS = "claimops_limits"


@dataclass(frozen=True)
class DbLimits:
    """How long a unit of work may wait for a lock or run one statement, in seconds.

    Bounded so that no request holds up another beyond them: a request that hits one fails (503 BUSY)
    and rolls back instead of queueing the server behind it. Long reads (analytics) and bulk loads
    take `long_statement` through `allow_long_statements`."""

    lock: float = 5.0
    statement: float = 30.0
    long_statement: float = 600.0
    idle_in_transaction: float = 60.0
    pool: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> DbLimits:
        return cls(
            lock=settings.db_lock_timeout_seconds,
            statement=settings.db_statement_timeout_seconds,
            long_statement=settings.db_long_statement_timeout_seconds,
            idle_in_transaction=settings.db_idle_in_transaction_seconds,
            pool=settings.db_pool_timeout_seconds,
        )


def _ms(seconds: float) -> int:
    return max(int(seconds * 1000), 1)


def allow_long_statements(conn: Connection) -> None:
    """The long statement timeout for the rest of this connection's transaction (PostgreSQL)."""
    if conn.dialect.name != "postgresql":
        return
    limits: DbLimits = conn.get_execution_options().get(LIMITS, DbLimits())
    long_ms = _ms(limits.long_statement)
    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {long_ms}")
    conn.exec_driver_sql(f"SET LOCAL idle_in_transaction_session_timeout = {long_ms}")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for long reads (analytics). On SQLite its transaction begins DEFERRED: in WAL mode
    a reader sees one snapshot and never blocks writers, where BEGIN IMMEDIATE would hold the write
    lock for the whole read. Writing through it is a mistake the database will refuse once it
    conflicts; use it for SELECTs only. On PostgreSQL it has the long statement timeout."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{READ_ONLY: True})
        allow_long_statements(conn)
        yield conn


# SQLSTATEs of a wait that ran out or lost to another transaction: lock_not_available (lock_timeout),
# query_canceled (statement_timeout), idle_in_transaction_session_timeout, deadlock, serialization.
BUSY_SQLSTATES = frozenset({"55P03", "57014", "25P03", "40P01", "40001"})


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means "busy, try again": a lock or statement timeout, SQLite's
    "database is locked", no pooled connection free in time, or a connection the server ended."""
    if isinstance(exc, PoolTimeout) or getattr(exc, "connection_invalidated", False):
        return True
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig)


def make_engine(url: str, *, limits: DbLimits | None = None, **kwargs: Any) -> Engine:
    limits = limits or DbLimits()
    kwargs["execution_options"] = {**kwargs.get("execution_options", {}), LIMITS: limits}
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": limits.lock})
        if make_url(url).database not in (None, "", ":memory:"):  # a file: a queue pool
            kwargs.setdefault("pool_timeout", limits.pool)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Take transaction control from pysqlite so SAVEPOINTs work, and begin IMMEDIATE so that
            # concurrent writers queue on the busy timeout instead of failing on a stale snapshot.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            read_only = conn.get_execution_options().get(READ_ONLY)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("pool_timeout", limits.pool)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "postgresql":
        timeouts = (
            f"SET lock_timeout = {_ms(limits.lock)}",
            f"SET statement_timeout = {_ms(limits.statement)}",
            f"SET idle_in_transaction_session_timeout = {_ms(limits.idle_in_transaction)}",
        )

        @event.listens_for(engine, "connect")
        def _pg_timeouts(dbapi_conn: Any, _record: Any) -> None:
            # Session defaults, committed so that they outlive this first transaction.
            cur = dbapi_conn.cursor()
            for statement in timeouts:
                cur.execute(statement)
            cur.close()
            dbapi_conn.commit()

    return engine


_engines: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    from claimops.config import get_settings

    settings = get_settings()
    url = url or settings.resolved_database_url
    if url not in _engines:
        if url.startswith("sqlite:///"):
            from pathlib import Path

            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        _engines[url] = make_engine(url, limits=DbLimits.from_settings(settings))
    return _engines[url]


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (a failed request writes nothing)."""
    session = session_factory(engine or get_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


class Rate(TypeDecorator[Decimal]):
    """A share between 0 and 1 with four places (coinsurance rate), exact on SQLite too."""

    impl = Numeric(5, 4, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        rate = Decimal(value).quantize(Decimal("0.0001"))
        return str(rate) if dialect.name == "sqlite" else rate

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(repr(value) if isinstance(value, float) else value).quantize(Decimal("0.0001"))
