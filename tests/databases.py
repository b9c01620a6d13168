"""The test databases: whether PostgreSQL answers, a migrated database of its own per use, and a
session rolled back at the end."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.db import make_engine
from claimops.migrate import upgrade

PG_ADMIN_URL = os.environ.get(
    "CLAIMOPS_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def pg_available() -> str | None:
    """None if PostgreSQL answers, else the reason."""
    try:
        import psycopg

        url = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: skip with the reason
        return f"PostgreSQL not reachable at {PG_ADMIN_URL} ({type(exc).__name__}: {exc})"


def create_pg_database() -> tuple[str, str]:
    import psycopg

    name = f"claimops_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(name: str) -> None:
    import psycopg

    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def migrated(backend: str, folder: Path, name: str = "claimops.db", **pool: int) -> Iterator[Engine]:
    """A new database at the head migration, dropped (PostgreSQL) or left in `folder` (SQLite)."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / name}"
        upgrade(url)
        eng = make_engine(url)
        yield eng
        eng.dispose()
    else:
        db, url = create_pg_database()
        upgrade(url)
        eng = make_engine(url, **pool)
        try:
            yield eng
        finally:
            eng.dispose()
            drop_pg_database(db)


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back at the end (services use savepoints inside)."""
    with engine.connect() as conn:
        trans = conn.begin()
        sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield sess
        finally:
            sess.close()
            trans.rollback()
