"""Login throttling: an account locks after repeated failures (even for the right password), unlocks
after the period; a client address that fails too often waits (429, Retry-After); unknown names cost
the same bcrypt work as known ones; bcrypt runs outside any transaction."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api_helpers import page_login
from claimops.config import Settings
from claimops.errors import Unauthorized
from claimops.users import security
from claimops.users.login import AccountLocked, login
from factories import PASSWORD, make_user

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
WRONG = "not-the-password-0"


def address() -> str:
    """An address of its own (IPv6 documentation prefix), so that tests do not throttle each other."""
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


@pytest.fixture
def bcrypt_calls(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every bcrypt check made, by the hash it checked against."""
    calls: list[bytes] = []
    real: Callable[[bytes, bytes], bool] = bcrypt.checkpw

    def counting(password: bytes, hashed: bytes) -> bool:
        calls.append(hashed)
        return real(password, hashed)

    monkeypatch.setattr(security.bcrypt, "checkpw", counting)
    return calls


def attempt(
    engine: Engine, settings: Settings, username: str, password: str, now: datetime, addr: str
) -> Any:
    return login(
        engine=engine, username=username, password=password, address=addr, now=now, settings=settings
    )


def test_an_account_locks_after_five_failures_and_unlocks_after_the_period(
    engine: Engine, settings: Settings, bcrypt_calls: list[bytes]
) -> None:
    name, addr = make_user(engine), address()
    for i in range(settings.login_max_failures - 1):
        with pytest.raises(Unauthorized) as failed:
            attempt(engine, settings, name, WRONG, T0 + timedelta(seconds=i), addr)
        assert failed.value.code == "BAD_CREDENTIALS"
    with pytest.raises(AccountLocked) as locked:  # the fifth failure locks, and says so
        attempt(engine, settings, name, WRONG, T0 + timedelta(seconds=10), addr)
    assert locked.value.status == 429 and locked.value.until == T0 + timedelta(seconds=10, minutes=15)
    checks = len(bcrypt_calls)
    # the right password does not open a locked account, and costs no bcrypt work
    with pytest.raises(AccountLocked) as still:
        attempt(engine, settings, name, PASSWORD, T0 + timedelta(minutes=14), addr)
    assert still.value.retry_after == 70 and len(bcrypt_calls) == checks
    # from another address too: the lock is the account's
    with pytest.raises(AccountLocked):
        attempt(engine, settings, name, PASSWORD, T0 + timedelta(minutes=14), address())
    user = attempt(engine, settings, name, PASSWORD, T0 + timedelta(minutes=15, seconds=11), addr)
    assert user.username == name


def test_a_success_clears_the_count_and_old_failures_expire(engine: Engine, settings: Settings) -> None:
    name, addr = make_user(engine), address()
    for i in range(settings.login_max_failures - 1):
        with pytest.raises(Unauthorized):
            attempt(engine, settings, name, WRONG, T0 + timedelta(seconds=i), addr)
    attempt(engine, settings, name, PASSWORD, T0 + timedelta(minutes=1), addr)
    for i in range(settings.login_max_failures - 1):  # counted from zero again
        with pytest.raises(Unauthorized):
            attempt(engine, settings, name, WRONG, T0 + timedelta(minutes=2, seconds=i), addr)
    # a window later, the earlier failures no longer count
    with pytest.raises(Unauthorized) as failed:
        attempt(engine, settings, name, WRONG, T0 + timedelta(minutes=20), addr)
    assert failed.value.code == "BAD_CREDENTIALS"


def test_unknown_names_are_locked_like_known_ones(engine: Engine, settings: Settings) -> None:
    """Otherwise the lock message would tell which names exist."""
    ghost, addr = f"nobody-{uuid.uuid4().hex[:8]}", address()
    for i in range(settings.login_max_failures - 1):
        with pytest.raises(Unauthorized):
            attempt(engine, settings, ghost, WRONG, T0 + timedelta(seconds=i), addr)
    with pytest.raises(AccountLocked):
        attempt(engine, settings, ghost, WRONG, T0 + timedelta(seconds=10), addr)


def test_unknown_and_known_names_cost_the_same_bcrypt_work(
    engine: Engine, settings: Settings, bcrypt_calls: list[bytes]
) -> None:
    known, addr = make_user(engine), address()
    for name in (known, f"nobody-{uuid.uuid4().hex[:8]}"):
        with pytest.raises(Unauthorized):
            attempt(engine, settings, name, WRONG, T0, addr)
    assert len(bcrypt_calls) == 2
    # same algorithm and cost factor ($2b$12$): the same work whichever name was given
    assert bcrypt_calls[0][:7] == bcrypt_calls[1][:7] == b"$2b$12$"


def test_bcrypt_runs_outside_any_transaction(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No connection is checked out (so no transaction and, on SQLite, no write lock) while bcrypt runs."""
    name = make_user(engine)
    held: list[int] = []
    real = bcrypt.checkpw

    def watching(password: bytes, hashed: bytes) -> bool:
        held.append(engine.pool.checkedout())  # type: ignore[attr-defined]
        return real(password, hashed)

    monkeypatch.setattr(security.bcrypt, "checkpw", watching)
    attempt(engine, settings, name, PASSWORD, T0, address())
    with pytest.raises(Unauthorized):
        attempt(engine, settings, name, WRONG, T0, address())
    assert held == [0, 0]


# --- through the API and the login page ----------------------------------------------------------


@pytest.fixture
def from_address(engine: Engine, settings: Settings) -> Iterator[Callable[[str], TestClient]]:
    """Clients of an app that throttles an address after 3 failures, each from an address of its own."""
    from claimops.app import create_app

    app = create_app(settings.model_copy(update={"login_address_max_failures": 3}), engine)
    clients: list[TestClient] = []

    def make(addr: str) -> TestClient:
        client = TestClient(app, client=(addr, 50000))
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


def token(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_an_address_that_fails_too_often_gets_429_with_retry_after(
    engine: Engine, from_address: Callable[[str], TestClient]
) -> None:
    name = make_user(engine)
    noisy = from_address(address())
    for _ in range(3):  # three different names: the address is what is counted
        assert token(noisy, f"nobody-{uuid.uuid4().hex[:8]}", WRONG).status_code == 401
    r = token(noisy, name, PASSWORD)  # even the right password waits
    assert r.status_code == 429
    assert r.json() == {"error": {"code": "LOGIN_THROTTLED", "message": r.json()["error"]["message"]}}
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    # another address is not affected
    assert token(from_address(address()), name, PASSWORD).status_code == 200


def test_a_locked_account_answers_429_in_the_api(
    engine: Engine, from_address: Callable[[str], TestClient]
) -> None:
    name = make_user(engine)
    for _ in range(4):  # from several addresses, so that no address is throttled first
        assert token(from_address(address()), name, WRONG).status_code == 401
    r = token(from_address(address()), name, WRONG)
    assert r.status_code == 429 and r.json()["error"]["code"] == "ACCOUNT_LOCKED"
    assert "locked_until" in r.json()["error"]["details"] and int(r.headers["Retry-After"]) > 0
    r = token(from_address(address()), name, PASSWORD)
    assert r.status_code == 429 and r.json()["error"]["code"] == "ACCOUNT_LOCKED"


@pytest.mark.parametrize(("lang", "says"), [("zh", "账户已锁定"), ("en", "the account is locked until")])
def test_the_login_page_says_the_account_is_locked_and_until_when(
    engine: Engine, from_address: Callable[[str], TestClient], lang: str, says: str
) -> None:
    name = make_user(engine)
    for _ in range(5):
        page_login(from_address(address()), name, WRONG)
    browser = from_address(address())
    browser.cookies.set("claimops_lang", lang)
    r = page_login(browser, name, PASSWORD)
    assert r.status_code == 429 and says in r.text and int(r.headers["Retry-After"]) > 0
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", r.text)  # until when, in Shanghai time
    assert "claimops_token" not in r.cookies
