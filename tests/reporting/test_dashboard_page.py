from __future__ import annotations

import html
import re
from io import BytesIO
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from fastapi.testclient import TestClient
from pptx import Presentation

from api_helpers import page_login
from claimops.reporting.deck import MEDIA_TYPES


def test_dashboard_shows_the_period_and_links_to_the_claims(client: TestClient) -> None:
    r = page_login(client, "manager")
    assert r.status_code == 303
    page = client.get("/dashboard", params={"period": "2026-Q3", "line": "auto"})
    assert page.status_code == 200
    assert "经营看板 · 2026-Q3" in page.text
    assert "/?scope=all&amp;reported_from=2026-07-01&amp;reported_to=2026-09-30" in page.text
    assert "/static/vendor/chart-4.6.1.umd.min.js" in page.text
    bad = client.get("/dashboard", params={"period": "2026-Q9"})
    assert bad.status_code == 200 and "alert error" in bad.text
    client.cookies.clear()
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/login"


def test_the_dashboard_is_for_roles_that_read_reports(client: TestClient) -> None:
    client.cookies.clear()
    page_login(client, "handler")
    page = client.get("/dashboard", params={"period": "2026-Q3"})
    assert page.status_code == 403 and "经营看板" not in page.text and "alert error" in page.text
    client.cookies.clear()


def _deck_text(body: bytes) -> str:
    deck = Presentation(BytesIO(body))
    return "\n".join(
        shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
    )


@pytest.mark.parametrize(
    ("params", "cookie", "lang"),
    [({}, None, "zh"), ({"lang": "en"}, None, "en"), ({}, "en", "en"), ({"lang": "zh"}, "en", "zh")],
)
def test_download_button_gives_the_deck_in_the_page_language(
    client: TestClient, params: dict[str, str], cookie: str | None, lang: str
) -> None:
    titles = {"zh": "理赔工作总结", "en": "Claims Work Summary"}  # report.title in i18n/{zh,en}/report.toml
    client.cookies.clear()
    r = page_login(client, "manager")
    assert r.status_code == 303
    if cookie:
        client.cookies.set("claimops_lang", cookie)
    page = client.get("/dashboard", params={"period": "2026-Q2", "line": "auto", **params})
    assert page.status_code == 200
    link = re.search(r'href="([^"]*)" id="download-deck"', page.text)
    assert link is not None
    href = html.unescape(link[1])
    assert urlsplit(href).path == "/api/v1/reports/deck"
    assert parse_qs(urlsplit(href).query) == {
        "period": ["2026-Q2"],
        "lang": [lang],
        "format": ["pptx"],
        "line": ["auto"],
    }
    deck = client.get(href)
    assert deck.status_code == 200, deck.text
    assert deck.headers["content-type"] == MEDIA_TYPES["pptx"]
    assert quote(f"{titles[lang]}".replace(" ", "-")) in deck.headers["content-disposition"]
    text = _deck_text(deck.content)
    other = "en" if lang == "zh" else "zh"
    assert titles[lang] in text and titles[other] not in text
    client.cookies.clear()


def test_deck_api_without_lang_follows_the_ui_language_cookie(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    client.cookies.clear()
    zh = client.get("/api/v1/reports/deck", params={"period": "2026-Q2"}, headers=tokens["manager"])
    client.cookies.set("claimops_lang", "en")
    en = client.get("/api/v1/reports/deck", params={"period": "2026-Q2"}, headers=tokens["manager"])
    client.cookies.clear()
    assert zh.status_code == 200 and en.status_code == 200
    assert "理赔工作总结" in _deck_text(zh.content)
    assert "Claims Work Summary" in _deck_text(en.content)
