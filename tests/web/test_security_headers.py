"""Security headers, cookies behind TLS, inline scripts under the CSP, script-safe chart data and the
API docs served from the package."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api_helpers import page_login
from claimops.clock import local_date, utcnow
from claimops.config import Settings
from factories import PASSWORD, claim_json, make_user, policy_json

EVIL = "</script><script>alert(1)</script>"
TEMPLATES = Path(str(resources.files("claimops.web").joinpath("templates")))


def nonce_of(response: object) -> str:
    csp = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    found = re.search(r"'nonce-([^']+)'", csp)
    assert found is not None, csp
    return found[1]


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for r in (client.get("/login"), client.get("/api/v1/claims"), client.get("/static/claimops.css")):
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "strict-transport-security" not in r.headers  # plain HTTP: no HSTS
    assert nonce_of(client.get("/login")) != nonce_of(client.get("/login"))


def test_over_tls_hsts_and_secure_cookies(engine: Engine, settings: Settings) -> None:
    from claimops.app import create_app

    with TestClient(create_app(settings, engine), base_url="https://testserver") as tls:
        form = tls.get("/login")
        assert form.headers["strict-transport-security"].startswith("max-age=")
        assert "secure" in form.headers["set-cookie"].lower()
        r = page_login(tls, "handler")
        assert r.status_code == 303
        session_cookie = [c for c in r.headers.get_list("set-cookie") if c.startswith("claimops_token=")]
        assert session_cookie and "secure" in session_cookie[0].lower()
        assert "httponly" in session_cookie[0].lower() and "samesite=strict" in session_cookie[0].lower()


@pytest.mark.parametrize(("setting", "scheme", "secure"), [("false", "https", False), ("true", "http", True)])
def test_the_secure_flag_can_be_set_for_local_http_or_a_proxy(
    engine: Engine, settings: Settings, setting: str, scheme: str, secure: bool
) -> None:
    from claimops.app import create_app

    app = create_app(settings.model_copy(update={"cookie_secure": setting}), engine)
    with TestClient(app, base_url=f"{scheme}://testserver") as c:
        cookie = c.get("/login").headers["set-cookie"]
        assert ("secure" in cookie.lower().split("; ")) is secure
        if not secure:
            r = page_login(c, "handler")
            cookie = next(v for v in r.headers.get_list("set-cookie") if v.startswith("claimops_token="))
            assert "secure" not in cookie.lower().split("; ")


def test_templates_have_no_inline_script_without_the_nonce_and_no_inline_handlers() -> None:
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'nonce="{{ request.state.csp_nonce }}"' in tag, (path.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), path.name  # onclick=, onchange=...
        assert not re.search(r"\sstyle\s*=", text), path.name
        for body in re.findall(r"<script\b[^>]*>(.*?)</script>", text, flags=re.S):
            for expr in re.findall(r"{{(.*?)}}", body, flags=re.S):  # into a script only through tojson
                assert expr.rstrip().endswith("|tojson"), (path.name, expr)


def test_chart_data_cannot_close_its_script_element(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    """A handler's name (a label of the dashboard's chart data) and a claim description holding
    </script> stay text."""
    name = make_user(engine, "handler", full_name=EVIL)
    r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    policy = client.post("/api/v1/policies", json=policy_json(), headers=headers).json()
    claim = client.post(
        "/api/v1/claims", json=claim_json(policy["policy_number"], description=EVIL), headers=headers
    ).json()
    number = claim["claim_number"]
    assert client.post(f"/api/v1/claims/{number}/accept", json={}, headers=headers).status_code == 200

    client.cookies.clear()
    page_login(client, "manager")
    today = local_date(utcnow())
    dashboard = client.get("/dashboard", params={"period": f"{today.year}-Q{(today.month - 1) // 3 + 1}"})
    assert dashboard.status_code == 200
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in dashboard.text  # the name is in the data
    claim_page = client.get(f"/claims/{number}")
    for page in (dashboard, claim_page):
        assert EVIL not in page.text and "<script>alert(1)" not in page.text
        nonce = nonce_of(page)
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page.text)
        assert all(f'nonce="{nonce}"' in attrs for attrs in inline)
    client.cookies.clear()


def test_the_api_docs_come_from_the_package(client: TestClient) -> None:
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn." not in docs.text and "https://" not in docs.text
    nonce = nonce_of(docs)
    assert f'<script nonce="{nonce}">' in docs.text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', docs.text)
    assert len(assets) == 3  # the bundle, its stylesheet and the icon
    for asset in assets:
        assert client.get(asset).status_code == 200
