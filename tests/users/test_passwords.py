"""The password policy, and the `claimops users` commands that set passwords, deactivate and unlock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from claimops.cli import DEMO_PASSWORD, app
from claimops.clock import utcnow
from claimops.config import get_settings
from claimops.errors import Unauthorized, ValidationFailed
from claimops.users.login import AccountLocked, login
from claimops.users.models import User
from claimops.users.passwords import common_passwords, password_problem
from claimops.users.service import create_user
from factories import PASSWORD, make_user


@pytest.mark.parametrize(
    "password",
    [
        "short-pw-1",  # under 12 characters
        "password1234",  # a common word with a counter
        "Password2026!",
        "qwerty123456",  # on the list as it is
        "1qaz2wsx3edc",
        "aaaaaaaaaaaaaaaa",  # too few different characters
        "handler-anna-2026",  # contains the user name
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    assert password_problem(password, username="handler-anna") is not None


@pytest.mark.parametrize("password", [DEMO_PASSWORD, PASSWORD, "e2e-pass-2026", "correct horse battery"])
def test_the_project_passwords_pass(password: str) -> None:
    assert password_problem(password, username="handler") is None


def test_the_shipped_list_holds_the_common_passwords() -> None:
    common = common_passwords()
    assert len(common) > 1000 and {"123456", "password", "qwerty", "1qaz2wsx"} <= common


def test_creating_a_user_applies_the_policy(session: Session) -> None:
    with pytest.raises(ValidationFailed) as weak:
        create_user(
            session=session, username="x-" + uuid.uuid4().hex[:6], password="password1234", role="handler"
        )
    assert weak.value.code == "WEAK_PASSWORD"


# --- the CLI ----------------------------------------------------------------------------------------


@pytest.fixture
def cli_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The CLI's configured database is the tests' shared one."""
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def users(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, ["users", *args], input=stdin)


def test_users_create_refuses_a_weak_password(cli_db: Engine) -> None:
    name = f"cli-{uuid.uuid4().hex[:6]}"
    r = users("create", name, "--role", "handler", "--password", "password1234")
    assert r.exit_code == 2 and "too common" in r.stderr
    assert users("create", name, "--role", "handler", "--password", "a-long-enough-phrase").exit_code == 0


def test_users_deactivate_revokes_the_tokens(cli_db: Engine, client: TestClient) -> None:
    name = make_user(cli_db)
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    result = users("deactivate", name)
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD}).status_code == 401
    with Session(cli_db) as s:
        assert s.scalar(select(User.active).where(User.username == name)) is False
    assert users("deactivate", "no-such-user").exit_code == 2


def test_users_set_password_applies_the_policy(cli_db: Engine) -> None:
    name = make_user(cli_db)
    weak = users("set-password", name, stdin="password1234\npassword1234\n")
    assert weak.exit_code == 2
    ok = users("set-password", name, stdin="a-new-long-phrase-7\na-new-long-phrase-7\n")
    assert ok.exit_code == 0, ok.output


def test_users_unlock_lifts_a_lockout(cli_db: Engine) -> None:
    name, settings, now = make_user(cli_db), get_settings(), utcnow()
    here = f"2001:db8::{uuid.uuid4().hex[:4]}"
    for _ in range(settings.login_max_failures):
        with pytest.raises((Unauthorized, AccountLocked)):  # 401s, then the lock
            login(
                engine=cli_db,
                username=name,
                password="wrong-password-0",
                address=here,
                now=now,
                settings=settings,
            )
    with pytest.raises(AccountLocked):
        login(engine=cli_db, username=name, password=PASSWORD, address=here, now=now, settings=settings)
    assert users("unlock", name).exit_code == 0
    user = login(
        engine=cli_db,
        username=name,
        password=PASSWORD,
        address=here,
        now=now + timedelta(seconds=1),
        settings=settings,
    )
    assert user.username == name
