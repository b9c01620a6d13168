"""Sessions: tokens must expire and name their user; logout revokes the token; a new password or a
deactivation ends every session; the login form carries a CSRF token; the API refuses writes that
authenticate by the session cookie without the CSRF header."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api_helpers import page_login
from claimops.clock import utcnow
from claimops.config import Settings
from claimops.db import unit_of_work
from claimops.users.security import ALGORITHM, csrf_token
from claimops.users.service import deactivate_user, set_password
from factories import PASSWORD, make_user, policy_json


def api_token(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def me(client: TestClient, headers: dict[str, str]) -> Any:
    return client.get("/api/v1/me", headers=headers)


def forged(settings: Settings, **claims: Any) -> dict[str, str]:
    token = jwt.encode(claims, settings.resolved_secret_key, algorithm=ALGORITHM)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("missing", ["exp", "sub", "jti"])
def test_a_token_missing_a_required_claim_is_refused(
    client: TestClient, settings: Settings, missing: str
) -> None:
    now = utcnow()
    claims = {"sub": "handler", "jti": "x" * 32, "ver": 0, "iat": now, "exp": now + timedelta(hours=1)}
    del claims[missing]
    r = me(client, forged(settings, **claims))
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"
    # as the page cookie: back to the login page, not an error
    client.cookies.clear()
    client.cookies.set("claimops_token", forged(settings, **claims)["Authorization"][7:])
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    client.cookies.clear()


def test_logout_in_the_api_revokes_that_token_only(client: TestClient, engine: Engine) -> None:
    name = make_user(engine)
    first, second = api_token(client, name), api_token(client, name)
    assert me(client, first).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    r = me(client, first)
    assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_REVOKED"
    assert me(client, second).status_code == 200


def test_logout_in_the_workbench_revokes_the_session_token(client: TestClient, engine: Engine) -> None:
    name = make_user(engine)
    client.cookies.clear()
    assert page_login(client, name).status_code == 303
    token = client.cookies["claimops_token"]
    queue = client.get("/")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', queue.text)
    assert csrf is not None
    r = client.post("/logout", data={"csrf": csrf[1]}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    # the cookie's token no longer works anywhere, even if someone kept a copy
    stolen = me(client, {"Authorization": f"Bearer {token}"})
    assert stolen.status_code == 401 and stolen.json()["error"]["code"] == "TOKEN_REVOKED"
    client.cookies.set("claimops_token", token)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    client.cookies.clear()


@pytest.mark.parametrize("change", ["password", "deactivate"])
def test_a_new_password_or_a_deactivation_ends_every_session(
    client: TestClient, engine: Engine, change: str
) -> None:
    name = make_user(engine)
    tokens = [api_token(client, name), api_token(client, name)]
    with unit_of_work(engine) as session:
        if change == "password":
            set_password(session=session, username=name, password="another-long-secret-9")
        else:
            deactivate_user(session=session, username=name)
    for headers in tokens:
        r = me(client, headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_REVOKED"
    if change == "password":
        assert me(client, api_token(client, name, "another-long-secret-9")).status_code == 200
    else:
        r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
        assert r.status_code == 401


def test_the_login_form_needs_its_csrf_token(client: TestClient) -> None:
    client.cookies.clear()
    r = client.post("/login", data={"username": "handler", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and "claimops_token" not in r.cookies
    # a token from another browser (another cookie) does not do either
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    client.cookies.clear()
    client.cookies.set("claimops_login_csrf", "someone-elses-cookie-value")
    r = client.post(
        "/login", data={"username": "handler", "password": PASSWORD, "csrf": token[1]}, follow_redirects=False
    )
    assert r.status_code == 403 and "claimops_token" not in r.cookies
    client.cookies.clear()
    assert page_login(client, "handler").status_code == 303
    client.cookies.clear()


def test_the_api_refuses_cookie_authenticated_writes_without_the_csrf_header(
    client: TestClient, settings: Settings
) -> None:
    client.cookies.clear()
    assert page_login(client, "handler").status_code == 303
    cookie_token = client.cookies["claimops_token"]
    assert client.get("/api/v1/me").status_code == 200  # reads by cookie are fine
    r = client.post("/api/v1/policies", json=policy_json())
    assert r.status_code == 403 and r.json()["error"]["code"] == "CSRF_FAILED"
    r = client.post("/api/v1/policies", json=policy_json(), headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    header = {"X-CSRF-Token": csrf_token(cookie_token, settings.resolved_secret_key)}
    assert client.post("/api/v1/policies", json=policy_json(), headers=header).status_code == 201
    client.cookies.clear()
    # a bearer token is not sent by a browser on its own: no CSRF header needed
    bearer = {"Authorization": f"Bearer {cookie_token}"}
    assert client.post("/api/v1/policies", json=policy_json(), headers=bearer).status_code == 201
