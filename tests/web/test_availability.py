"""No request blocks another beyond the lock timeout (docs/promises.md, "Availability").

Simultaneous requests to one claim go to a real server (uvicorn on a socket), on SQLite and
PostgreSQL: every one is answered — done, or a clear 409/503 — and the server keeps answering others
meanwhile. Client timeouts, not wall-clock assertions, catch a stall.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api_helpers import Api, csrf_in, serving, web_login
from claimops.claims.models import Claim, ClaimEvent
from claimops.config import Settings
from claimops.db import DbLimits, is_busy, make_engine, reading
from claimops.documents.models import Document
from claimops.i18n import t
from claimops.migrate import upgrade
from factories import PNG

N = 8
# Far above any answer of a healthy server and below a stall: a stalled request fails the test here.
CLIENT_TIMEOUT = 20.0

Call = Callable[[httpx.Client], httpx.Response]


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


@pytest.fixture
def server(engine: Engine, settings: Settings) -> Iterator[str]:
    from claimops.app import create_app

    with serving(create_app(settings, engine)) as url:
        yield url


def at_once(base: str, calls: list[Call], cookies: httpx.Cookies | None = None) -> list[httpx.Response]:
    """Send every call at the same moment, each on its own connection."""
    barrier = threading.Barrier(len(calls))

    def one(call: Call) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT, cookies=cookies) as c:
            barrier.wait()
            return call(c)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(one, calls))


def assert_answered(responses: list[httpx.Response], done: int) -> None:
    """Each one done (`done`), or refused clearly: 409 (the claim moved on) or 503 BUSY, never 500."""
    for r in responses:
        if r.status_code == done:
            continue
        assert r.status_code in (409, 503), (r.status_code, r.text[:300])
        if r.headers["content-type"].startswith("application/json"):
            assert set(r.json()["error"]) >= {"code", "message"}
        if r.status_code == 503:
            assert r.json()["error"]["code"] == "BUSY" and int(r.headers["retry-after"]) > 0


def login_page(c: httpx.Client) -> httpx.Response:
    return c.get("/login")


def upload(number: str, token: dict[str, str], i: int) -> Call:
    def call(c: httpx.Client) -> httpx.Response:
        files = {"file": (f"photo-{i}.png", PNG + bytes([i]))}
        return c.post(
            f"/api/v1/claims/{number}/documents", data={"doc_type": "photos"}, files=files, headers=token
        )

    return call


def documents_of(engine: Engine, number: str) -> int:
    with Session(engine) as s:
        claim_id = s.scalar(select(Claim.id).where(Claim.claim_number == number))
        return s.scalar(select(func.count()).select_from(Document).where(Document.claim_id == claim_id)) or 0


def events_of(engine: Engine, number: str, action: str) -> int:
    with Session(engine) as s:
        stmt = (
            select(func.count())
            .select_from(ClaimEvent)
            .join(Claim, Claim.id == ClaimEvent.claim_id)
            .where(Claim.claim_number == number, ClaimEvent.action == action)
        )
        return s.scalar(stmt) or 0


def test_simultaneous_uploads_to_one_claim_are_all_answered(
    api: Api, engine: Engine, server: str, tokens: dict[str, dict[str, str]]
) -> None:
    number = api.report(api.policy()["policy_number"])["claim_number"]
    calls = [upload(number, tokens["handler"], i) for i in range(N)] + [login_page]
    *uploads, login = at_once(server, calls)
    assert login.status_code == 200
    assert_answered(uploads, 201)
    stored = [r for r in uploads if r.status_code == 201]
    assert stored and documents_of(engine, number) == len(stored)
    claim = api.ok(api.get("handler", f"/claims/{number}"))
    assert {i["doc_type"]: i["received"] for i in claim["checklist"]}["photos"] is True


def test_double_click_on_a_web_action_applies_it_once(api: Api, engine: Engine, server: str) -> None:
    number = api.report(api.policy()["policy_number"])["claim_number"]
    with httpx.Client(base_url=server, timeout=CLIENT_TIMEOUT) as c:
        web_login(c, "handler")
        csrf = csrf_in(c.get(f"/claims/{number}").text)
        cookies = c.cookies

    def accept(c: httpx.Client) -> httpx.Response:
        return c.post(f"/claims/{number}/act/accept", data={"csrf": csrf, "note": ""}, follow_redirects=False)

    *clicks, login = at_once(server, [accept] * N + [login_page], cookies)
    assert login.status_code == 200
    assert_answered(clicks, 303)
    assert [r.status_code for r in clicks].count(303) == 1
    assert events_of(engine, number, "accept") == 1
    assert api.ok(api.get("handler", f"/claims/{number}"))["status"] == "accepted"


@contextmanager
def claim_locked(engine: Engine, number: str) -> Iterator[Connection]:
    """Another transaction holding the claim: its row lock (PostgreSQL), the write lock (SQLite)."""
    with engine.connect() as conn:
        with conn.begin():  # SQLite: BEGIN IMMEDIATE (db.make_engine)
            conn.execute(select(Claim.id).where(Claim.claim_number == number).with_for_update())
            yield conn


def wait_for_lock_waiters(engine: Engine, watcher: Connection) -> None:
    """PostgreSQL: until a request waits on the held lock (SQLite's busy wait is not visible)."""
    if engine.dialect.name != "postgresql":
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    for _ in range(200):
        if watcher.execute(waiting).scalar_one():
            return
        threading.Event().wait(0.05)
    pytest.fail("no request came to wait on the lock")


def test_the_server_answers_while_requests_wait_on_a_locked_claim(
    api: Api, engine: Engine, server: str, tokens: dict[str, dict[str, str]]
) -> None:
    number = api.report(api.policy()["policy_number"])["claim_number"]
    with ThreadPoolExecutor(4) as pool, engine.connect() as watcher:
        with claim_locked(engine, number):
            pending = [pool.submit(at_once, server, [upload(number, tokens["handler"], i)]) for i in range(4)]
            wait_for_lock_waiters(engine, watcher)
            with httpx.Client(base_url=server, timeout=3) as c:
                assert c.get("/login").status_code == 200
        uploads = [r for f in pending for r in f.result()]
    assert_answered(uploads, 201)
    assert documents_of(engine, number) == sum(r.status_code == 201 for r in uploads)


@pytest.fixture
def impatient(engine: Engine, settings: Settings) -> Iterator[tuple[TestClient, Engine]]:
    """The app on an engine that waits at most half a second for a lock."""
    from claimops.app import create_app

    url = engine.url.render_as_string(hide_password=False)
    short = make_engine(url, limits=DbLimits(lock=0.5, statement=5))
    with TestClient(create_app(settings, short)) as c:
        yield c, short
    short.dispose()


def test_a_lock_wait_beyond_the_timeout_is_503_busy_and_changes_nothing(
    api: Api, engine: Engine, tokens: dict[str, dict[str, str]], impatient: tuple[TestClient, Engine]
) -> None:
    c, short = impatient
    number = api.report(api.policy()["policy_number"])["claim_number"]
    web_login(c, "handler")
    csrf = csrf_in(c.get(f"/claims/{number}").text)
    with claim_locked(engine, number):
        by_api = c.post(f"/api/v1/claims/{number}/accept", json={}, headers=tokens["handler"])
        by_page = c.post(f"/claims/{number}/act/accept", data={"csrf": csrf}, follow_redirects=False)
        files = {"file": ("p.png", PNG)}
        by_upload = c.post(
            f"/api/v1/claims/{number}/documents",
            data={"doc_type": "photos"},
            files=files,
            headers=tokens["handler"],
        )
    for r in (by_api, by_upload):
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "BUSY" and r.headers["retry-after"] == "2"
    # a page gets the error page (rendered without the busy database), with the same Retry-After
    assert by_page.status_code == 503 and by_page.headers["content-type"].startswith("text/html")
    assert t("error.BUSY", "zh") in by_page.text and by_page.headers["retry-after"] == "2"
    assert short.pool.checkedout() == 0  # rolled back and returned
    assert api.ok(api.get("handler", f"/claims/{number}"))["status"] == "reported"
    assert documents_of(engine, number) == 0
    # and once the other transaction is done, the same request goes through
    assert c.post(f"/api/v1/claims/{number}/accept", json={}, headers=tokens["handler"]).status_code == 200


def test_database_waits_are_bounded_on_every_connection(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    limits = DbLimits(lock=1.5, statement=2, idle_in_transaction=3, long_statement=40)
    bounded = make_engine(url, limits=limits)
    try:
        with bounded.connect() as conn:
            if bounded.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 1500
                return
            shown = {
                name: conn.exec_driver_sql(f"SHOW {name}").scalar_one()
                for name in ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout")
            }
        assert shown == {
            "lock_timeout": "1500ms",
            "statement_timeout": "2s",
            "idle_in_transaction_session_timeout": "3s",
        }
        with reading(bounded) as conn:  # analytics: the long statement timeout
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar_one() == "40s"
        with bounded.connect() as conn:  # and back to the short one for the next user
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar_one() == "2s"
    finally:
        bounded.dispose()


def test_a_statement_timeout_is_busy(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no statement timeout")
    url = engine.url.render_as_string(hide_password=False)
    bounded = make_engine(url, limits=DbLimits(statement=0.2))
    try:
        with bounded.connect() as conn, pytest.raises(OperationalError) as caught:
            conn.exec_driver_sql("SELECT pg_sleep(5)")
        assert is_busy(caught.value)
    finally:
        bounded.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_sigterm_stops_serve_with_a_request_in_flight(tmp_path: Path) -> None:
    """A client that never sends the rest of its body does not keep `claimops serve` up."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    port = _free_port()
    env = {
        **os.environ,
        "CLAIMOPS_DATABASE_URL": url,
        "CLAIMOPS_DATA_DIR": str(tmp_path),
        "CLAIMOPS_SHUTDOWN_GRACE_SECONDS": "1",
    }
    cmd = [sys.executable, "-m", "claimops", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):  # until it answers
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                threading.Event().wait(0.1)
        else:
            pytest.fail("claimops serve did not start")
        with socket.create_connection(("127.0.0.1", port)) as stalled:
            stalled.sendall(
                b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 1000\r\n\r\nusername=hand"
            )
            threading.Event().wait(0.3)  # the request is in (not asserted: a head start only)
            proc.send_signal(signal.SIGTERM)
            # uvicorn ends by re-raising the signal it caught: killed by SIGTERM, or exit 0
            assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
