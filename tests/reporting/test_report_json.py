"""The report endpoints' JSON, byte for byte, on the hand-computed data set of test_kpis.py.

The golden files were written by the endpoints before the summary became typed; the deck and the
narrative now read the typed summary, and the JSON must not change because of it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.reporting.api import router
from claimops.web.deps import get_actor, get_session, get_settings_dep
from factories import kpi_dataset, staff_actor

GOLDEN = Path(__file__).parent / "golden"
ENDPOINTS = ("summary", "claims", "payments", "timings", "decisions", "backlog", "handlers", "trend")
QUERIES = {
    "q2": {"period": "2026-Q2"},
    "q2_auto": {"period": "2026-Q2", "line": "auto"},
    "may": {"start": "2026-05-01", "end": "2026-05-31"},
    "empty": {"period": "2010-Q1"},  # before any data a test commits to the shared database
}


@pytest.fixture
def api(session: Session, settings: Settings) -> Iterator[TestClient]:
    """The report router over the test's session, as the manager."""
    kpi_dataset(session, settings)
    manager = staff_actor(session, "manager")
    app = FastAPI()
    app.include_router(router, prefix="/api/v1")
    app.state.settings = settings

    def same_session() -> Iterator[Session]:
        yield session

    app.dependency_overrides[get_session] = same_session
    app.dependency_overrides[get_actor] = lambda: manager
    app.dependency_overrides[get_settings_dep] = lambda: settings
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_report_json_is_unchanged(api: TestClient, endpoint: str) -> None:
    for name, params in QUERIES.items():
        r = api.get(f"/api/v1/reports/{endpoint}", params=params)
        assert r.status_code == 200, r.text
        golden = GOLDEN / f"{endpoint}_{name}.json"
        if os.environ.get("CLAIMOPS_WRITE_GOLDEN"):
            golden.write_bytes(r.content)
        assert r.content == golden.read_bytes(), (endpoint, name)
