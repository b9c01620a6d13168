"""The analyst's pages over a seeded demo book: permissions, the background refresh, stored figures."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import page_login
from claimops.claims.models import Claim
from claimops.config import Settings
from claimops.deck_sections import default_sections
from claimops.demo.bulk import seed_database
from claimops.errors import ValidationFailed
from claimops.mining.data.book import book_triangles, valuation_for
from claimops.mining.estimators.reserving import ChainLadder
from claimops.mining.service import refresh as analyses
from claimops.mining.store.models import MiningModel, MiningResult
from claimops.mining.store.results import latest
from claimops.reporting.deck import build
from claimops.reporting.deck.model import Chart, Table
from claimops.reporting.periods import parse_period

PASSWORD = "demo-pass-2026"
END = date(2026, 9, 30)


@pytest.fixture
def demo(empty_engine: Engine, settings: Settings) -> Iterator[tuple[TestClient, Engine]]:
    from claimops.app import create_app

    # fraud labels are investigation conclusions, and the latest claims' are not in yet: enough claims
    # that the risk model's hold-out (the latest fifth) holds confirmed frauds
    seed_database(empty_engine, claims=2000, seed=5, end=END, password=PASSWORD)
    with TestClient(create_app(settings, empty_engine)) as client:
        yield client, empty_engine


def login(client: TestClient, username: str) -> str:
    client.cookies.clear()
    r = page_login(client, username, PASSWORD)
    assert r.status_code == 303
    page = client.get("/mining")
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found is not None
    return found[1]


def stored(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(MiningResult)) or 0


def test_who_sees_and_who_refreshes(demo: tuple[TestClient, Engine]) -> None:
    client, engine = demo
    csrf = login(client, "reviewer1")
    page = client.get("/mining")
    assert page.status_code == 200 and "理赔数据分析与挖掘" in page.text
    assert 'id="refresh-analyses"' not in page.text  # reviewers read, managers refresh
    r = client.post("/mining/refresh", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 403 and stored(engine) == 0
    login(client, "handler1")
    assert client.get("/mining").status_code == 403
    assert client.get("/mining/reserves").status_code == 403
    csrf = login(client, "manager")
    r = client.post("/mining/refresh", data={"csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403 and stored(engine) == 0


def test_refresh_stores_the_reserves_the_page_shows(
    demo: tuple[TestClient, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, engine = demo
    csrf = login(client, "manager")
    assert "尚未计算" in client.get("/mining/reserves").text
    monkeypatch.setattr(analyses, "ANALYSES", {"reserves": analyses.reserves})  # the quick one
    r = client.post("/mining/refresh", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/mining?done=refresh"
    with Session(engine) as s:
        run = latest(s, "reserves")
        assert run is not None and run.status == "ok" and run.created_by == "manager"
        today = run.created_at.date()
        tri = book_triangles(s, valuation_quarter=valuation_for(today), origins=12)
    expected = ChainLadder().fit(tri.paid)
    page = client.get("/mining/reserves")
    shown = re.search(r'id="reserve-paid".*?data-total="([-0-9.]+)"', page.text, re.S)
    assert shown is not None
    assert float(shown[1]) == pytest.approx(expected.total_ibnr_, abs=0.006)
    assert (
        client.get("/mining/reserves", params={"line": "health", "lang": "en"}).text.count("Incident quarter")
        == 2
    )
    overview = client.get("/mining", params={"lang": "zh"}).text
    assert 'data-kind="reserves"' in overview and "完成" in overview


def test_too_little_data_is_stored_with_the_reason(empty_engine: Engine) -> None:
    runs = analyses.refresh(empty_engine, created_by="t", today=date(2024, 1, 25))
    assert {r.kind: r.status for r in runs} == dict.fromkeys(analyses.ANALYSES, "not_enough_data")
    assert all(r.message and r.payload == {} for r in runs)
    with pytest.raises(ValidationFailed) as err:
        analyses.refresh(empty_engine, created_by="t", today=date(2024, 1, 25), kinds=["tea_leaves"])
    assert err.value.code == "BAD_OPTION" and stored(empty_engine) == len(analyses.ANALYSES)


def test_rules_segments_and_quality_pages_show_the_stored_runs(
    demo: tuple[TestClient, Engine], settings: Settings
) -> None:
    client, engine = demo
    runs = analyses.refresh(
        engine, created_by="manager", today=date(2026, 10, 8), kinds=["quality", "rules", "segments"]
    )
    assert [r.status for r in runs] == ["ok", "ok", "ok"]
    quality, rules, segments = (r.payload for r in runs)
    assert runs[1].data_to == END and runs[1].data_from is not None
    login(client, "reviewer1")

    page = client.get("/mining/rules", params={"target": "fraud", "lang": "zh"}).text
    fraud = rules["targets"]["fraud"]["zh"]
    assert fraud["rules"], "the planted fraud patterns give rules"
    assert html.escape(fraud["rules"][0]["text"]) in page
    en = client.get("/mining/rules", params={"target": "denied", "lang": "en"}).text
    assert html.escape(rules["targets"]["denied"]["en"]["rules"][0]["text"]) in en

    page = client.get("/mining/segments", params={"kind": "customers", "lang": "zh"}).text
    customers = segments["customers"]["zh"]
    assert html.escape(customers["criterion_text"]) in page
    assert page.count("<tr title=") == customers["k"]

    overview = client.get("/mining", params={"lang": "zh"}).text
    for issue in quality["zh"]["issues"]:
        assert f'data-check="{issue["check"]}"' in overview

    # the deck's mining section now carries the same results
    with Session(engine) as s:
        deck = build(
            s,
            parse_period("2026-Q3"),
            settings,
            sections=default_sections(),
            lang="zh",
            today=date(2026, 10, 8),
        )
    [section] = [x for x in deck.sections if x.key == "mining"]
    titles = [slide.title for slide in section.slides]
    assert titles[1:4] == [
        "数据预处理：数据质量与清洗",
        "关联规则：风险因素与欺诈线索",
        "聚类分析：案件与客户分群",
    ]
    table = next(b for b in section.slides[2].blocks if isinstance(b, Table))
    top = fraud["rules"][0]
    assert table.rows[0] == [
        " + ".join(top["antecedent_labels"]) + " → " + top["consequent_label"],
        f"{top['claims']:,}",
        f"{top['confidence'] * 100:.1f}%",
        f"{top['lift']:.1f}",
    ]
    chart = next(b for b in section.slides[3].blocks if isinstance(b, Chart))
    assert [int(v) for v in chart.series[0].values] == [
        s["size"] for s in segments["claims"]["zh"]["segments"]
    ]


def test_a_manager_trains_the_models_from_the_overview(demo: tuple[TestClient, Engine]) -> None:
    client, engine = demo
    csrf = login(client, "reviewer1")
    assert client.post("/mining/train", data={"csrf": csrf}, follow_redirects=False).status_code == 403
    csrf = login(client, "manager")
    r = client.post("/mining/train", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/mining?done=train"
    with Session(engine) as s:
        current = s.scalars(select(MiningModel).where(MiningModel.current)).all()
        assert {m.kind for m in current} == {"risk", "handling_time", "settlement"}
        assert all(m.trained_by == "manager" and m.version == 1 for m in current)
        scored = s.scalar(select(func.count()).select_from(Claim).where(Claim.risk_score.is_not(None)))
        assert scored and scored > 0  # the open claims were scored with the new risk model
    page = client.get("/mining", params={"lang": "zh"}).text
    assert page.count('<tr data-kind="') == len(analyses.ANALYSES) + 3
