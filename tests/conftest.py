"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

The schema comes from the Alembic migrations (so the tests see the real triggers and constraints),
created once per database per run. Service tests run inside a transaction that is rolled back; API
tests go through the real request unit of work and use unique policy numbers instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.config import Settings, get_settings
from claimops.db import unit_of_work
from claimops.users.service import create_user
from databases import migrated, pg_available, rolled_back
from factories import PASSWORD, STAFF


def _backends() -> list[str]:
    wanted = os.environ.get("CLAIMOPS_TEST_DB", "sqlite,postgresql")
    return [b.strip() for b in wanted.split(",") if b.strip()]


@pytest.fixture(scope="session", params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgresql":
        reason = pg_available()
        if reason and os.environ.get("CLAIMOPS_TEST_REQUIRE_PG"):
            pytest.fail(reason)
        if reason:
            pytest.skip(reason)
    return name


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with migrated(backend, tmp_path_factory.mktemp("sqlite"), pool_size=30, max_overflow=10) as eng:
        _create_staff(eng)
        yield eng


def _create_staff(eng: Engine) -> None:
    with unit_of_work(eng) as session:
        for username, role, limit in STAFF:
            create_user(
                session=session, username=username, password=PASSWORD, role=role, authority_limit=limit
            )


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the shared database whose work is rolled back after the test."""
    with rolled_back(engine) as sess:
        yield sess


@pytest.fixture(scope="module")
def own_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A staffed database for one module: for tests that read everything of a kind (a deck section
    that must say "no data"), which the API tests' committed rows in the shared database would
    disturb. A module overrides `session` with `rolled_back(own_engine)` to use it."""
    with migrated(backend, tmp_path_factory.mktemp("own")) as eng:
        _create_staff(eng)
        yield eng


@pytest.fixture(scope="session", autouse=True)
def default_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """What writes to the configured data dir by default (demo seeding, commands) writes here, not
    into the checkout."""
    path = tmp_path_factory.mktemp("default-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLAIMOPS_DATA_DIR", str(path))
        get_settings.cache_clear()
        yield path
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, secret_key="test-secret-key-with-enough-length-1234567890")


@pytest.fixture(scope="session")
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    from claimops.app import create_app

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
    with migrated(backend, tmp_path, name="empty.db") as eng:
        yield eng


@pytest.fixture
def staffed_engine(empty_engine: Engine) -> Engine:
    """An empty database with only the staff accounts: for tests that count every claim in it."""
    _create_staff(empty_engine)
    return empty_engine


@pytest.fixture(scope="session")
def live_server(engine: Engine, settings: Settings) -> Iterator[str]:
    """The app on a real socket, for clients outside the process (one server for the session)."""
    from api_helpers import serving
    from claimops.app import create_app

    with serving(create_app(settings, engine)) as url:
        yield url
