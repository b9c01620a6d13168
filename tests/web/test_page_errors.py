"""Errors on pages go through the one error handler: an HTML error page (or the form again, with what
was typed) for pages, JSON for the API; permissions and CSRF are route dependencies; field errors are
named by their code, in the page's language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import Api, page_csrf, web_login
from claimops.claims.models import ClaimEvent
from claimops.i18n import t
from claimops.policies.models import Policy
from factories import policy_number


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


@pytest.fixture
def browser(client: TestClient) -> Iterator[TestClient]:
    """The shared client as a logged-out browser; its cookies are cleared afterwards."""
    client.cookies.clear()
    yield client
    client.cookies.clear()


def alert(html: str) -> str:
    found = re.search(r'<div class="alert error" role="alert">(.*?)</div>', html, re.S)
    assert found is not None, html[:2000]
    return found[1]


def policy_form(number: str, **overrides: str) -> dict[str, str]:
    form = {
        "policy_number": number,
        "line": "auto",
        "holder_name": "赵六",
        "holder_id_number": "440106199201015678",
        "effective_from": "2026-01-01",
        "effective_to": "2026-12-31",
        "sum_insured": "50000",
    }
    return {**form, **overrides}


def policies_named(engine: Engine, number: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Policy).where(Policy.policy_number == number)) or 0


def events_of(engine: Engine, claim_number: str) -> int:
    from claimops.claims.models import Claim

    with Session(engine) as s:
        stmt = (
            select(func.count()).select_from(ClaimEvent).join(Claim).where(Claim.claim_number == claim_number)
        )
        return s.scalar(stmt) or 0


def test_a_missing_claim_is_an_error_page_on_the_workbench_and_json_in_the_api(
    browser: TestClient, api: Api
) -> None:
    web_login(browser, "reviewer")
    page = browser.get("/claims/CLM-NO-SUCH-CLAIM")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert alert(page.text) == t("error.CLAIM_NOT_FOUND", "zh")
    browser.cookies.clear()
    r = api.get("reviewer", "/claims/CLM-NO-SUCH-CLAIM")
    assert r.status_code == 404 and r.json()["error"]["code"] == "CLAIM_NOT_FOUND"


def test_an_unknown_path_is_the_html_error_page_and_json_only_under_the_api(
    browser: TestClient, api: Api
) -> None:
    web_login(browser, "reviewer")
    for path in ("/no-such-page", "/claims/CLM-1/no-such-tab", "/static/no-such-file.css"):
        page = browser.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert alert(page.text) == t("error.NOT_FOUND", "zh"), path
    wrong = browser.put("/login")
    assert wrong.status_code == 405 and wrong.headers["content-type"].startswith("text/html")
    assert alert(wrong.text) == t("error.METHOD_NOT_ALLOWED", "zh")
    assert alert(browser.get("/no-such-page?lang=en").text) == t("error.NOT_FOUND", "en")
    browser.cookies.clear()
    r = api.get("reviewer", "/no-such-resource")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert r.json()["error"]["code"] == "NOT_FOUND"


def test_a_page_without_a_session_goes_to_the_login_form(browser: TestClient) -> None:
    for method, path in (("GET", "/claims/CLM-1"), ("GET", "/dashboard"), ("POST", "/policies/new")):
        r = browser.request(method, path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", (method, path)
    browser.cookies.set("claimops_token", "not-a-token")
    r = browser.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert 'claimops_token=""' in r.headers["set-cookie"]  # the stale cookie is dropped


def test_a_role_without_the_permission_gets_the_error_page(browser: TestClient) -> None:
    web_login(browser, "handler")
    for path in ("/dashboard", "/mining"):
        r = browser.get(path)
        assert r.status_code == 403 and alert(r.text) == t("error.FORBIDDEN", "zh"), path


def test_a_refused_policy_form_comes_back_with_each_field_named_by_its_code(
    browser: TestClient, engine: Engine
) -> None:
    web_login(browser, "handler")
    number = policy_number()
    form = policy_form(number, effective_to="2025-12-31", holder_name="钱七")
    r = browser.post("/policies/new", data={**form, "csrf": page_csrf(browser, "/policies/new")})
    assert r.status_code == 422
    assert t("web.input.dates_reversed", "zh") in alert(r.text)
    assert 'value="钱七"' in r.text  # what was typed stays
    r = browser.post(
        "/policies/new?lang=en",
        data={**policy_form(number, sum_insured="-1"), "csrf": page_csrf(browser, "/policies/new")},
    )
    message = alert(r.text)
    assert r.status_code == 422 and message.startswith(t("error.VALIDATION_ERROR", "en"))
    assert f"{t('web.field.sum_insured', 'en')}: {t('web.input.negative', 'en')}" in message
    assert "Value error" not in message
    assert policies_named(engine, number) == 0


def test_a_forged_form_is_refused_and_stores_nothing(browser: TestClient, engine: Engine) -> None:
    web_login(browser, "handler")
    number = policy_number()
    r = browser.post("/policies/new", data={**policy_form(number), "csrf": "forged"})
    assert r.status_code == 403 and alert(r.text) == t("error.CSRF_FAILED", "zh")
    assert policies_named(engine, number) == 0


def test_a_refused_action_shows_the_claim_again_and_writes_nothing(
    browser: TestClient, api: Api, engine: Engine
) -> None:
    number = api.report(api.policy()["policy_number"])["claim_number"]
    before = events_of(engine, number)
    web_login(browser, "reviewer")
    csrf = page_csrf(browser, f"/claims/{number}")
    r = browser.post(f"/claims/{number}/act/finish_investigation", data={"csrf": csrf, "note": "查勘完毕"})
    assert r.status_code == 409 and alert(r.text) == t("error.ILLEGAL_TRANSITION", "zh")
    assert 'id="claim-status"' in r.text  # the claim page, not the bare error page
    r = browser.post(f"/claims/{number}/act/fly", data={"csrf": csrf})
    assert r.status_code == 404 and alert(r.text) == t("error.UNKNOWN_ACTION", "zh")
    r = browser.post("/claims/CLM-NO-SUCH-CLAIM/act/accept", data={"csrf": csrf})
    assert r.status_code == 404 and alert(r.text) == t("error.CLAIM_NOT_FOUND", "zh")
    assert events_of(engine, number) == before


def test_the_page_and_the_api_take_the_same_action_through_one_dispatcher(
    browser: TestClient, api: Api
) -> None:
    number = api.report(api.policy()["policy_number"])["claim_number"]
    web_login(browser, "handler")
    r = browser.post(
        f"/claims/{number}/act/accept",
        data={"csrf": page_csrf(browser, f"/claims/{number}"), "note": "资料齐全"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/claims/{number}"
    claim = api.ok(api.get("handler", f"/claims/{number}"))
    assert claim["status"] == "accepted" and claim["events"][-1]["note"] == "资料齐全"
    # the same refusal in both edges: the API's body as the page's form
    bad = api.act("reviewer", number, "decide", {"outcome": "maybe", "assessed_loss": "-1"}, status=422)
    fields = {f["field"] for f in bad.json()["error"]["details"]["fields"]}
    assert fields == {"outcome", "assessed_loss"}
