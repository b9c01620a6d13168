"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

The schema comes from the Alembic migrations (so the tests see the real triggers and constraints),
created once per database per run. Service tests run inside a transaction that is rolled back; API
tests go through the real request unit of work and use unique policy numbers instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.db import make_engine, unit_of_work
from claimops.migrate import upgrade
from claimops.users.service import create_user
from factories import PASSWORD, STAFF

PG_ADMIN_URL = os.environ.get(
    "CLAIMOPS_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _pg_available() -> str | None:
    """None if PostgreSQL answers, else the reason."""
    try:
        import psycopg

        url = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: skip with the reason
        return f"PostgreSQL not reachable at {PG_ADMIN_URL} ({type(exc).__name__}: {exc})"


def _backends() -> list[str]:
    wanted = os.environ.get("CLAIMOPS_TEST_DB", "sqlite,postgresql")
    return [b.strip() for b in wanted.split(",") if b.strip()]


def _create_pg_database() -> tuple[str, str]:
    import psycopg

    name = f"claimops_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg_database(name: str) -> None:
    import psycopg

    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgresql":
        reason = _pg_available()
        if reason and os.environ.get("CLAIMOPS_TEST_REQUIRE_PG"):
            pytest.fail(reason)
        if reason:
            pytest.skip(reason)
    return name


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "claimops.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        eng = make_engine(url)
        _create_staff(eng)
        yield eng
        eng.dispose()
    else:
        name, url = _create_pg_database()
        upgrade(url)
        eng = make_engine(url, pool_size=30, max_overflow=10)
        _create_staff(eng)
        yield eng
        eng.dispose()
        _drop_pg_database(name)


def _create_staff(eng: Engine) -> None:
    with unit_of_work(eng) as session:
        for username, role, limit in STAFF:
            create_user(
                session=session, username=username, password=PASSWORD, role=role, authority_limit=limit
            )


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (services use savepoints inside)."""
    with engine.connect() as conn:
        trans = conn.begin()
        sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield sess
        finally:
            sess.close()
            trans.rollback()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, secret_key="test-secret-key-with-enough-length-1234567890")


@pytest.fixture(scope="session")
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    from claimops.web.app import create_app

    with TestClient(create_app(settings, engine)) as c:
        yield c


@pytest.fixture(scope="session")
def tokens(client: TestClient) -> dict[str, dict[str, str]]:
    """Authorization headers per demo staff user, logged in through the API once."""
    out = {}
    for username, _role, _limit in STAFF:
        r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        out[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return out


@pytest.fixture
def empty_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of its own, for tests that need an empty one (seeding, bulk loads)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        upgrade(url)
        eng = make_engine(url)
        yield eng
        eng.dispose()
    else:
        name, url = _create_pg_database()
        upgrade(url)
        eng = make_engine(url)
        yield eng
        eng.dispose()
        _drop_pg_database(name)


@pytest.fixture(scope="session")
def live_server(engine: Engine, settings: Settings) -> Iterator[str]:
    """The app on a real socket (uvicorn in a thread), for clients outside the process."""
    import threading

    import uvicorn

    from claimops.web.app import create_app

    config = uvicorn.Config(create_app(settings, engine), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()
