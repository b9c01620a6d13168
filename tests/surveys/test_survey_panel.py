"""The dashboard's satisfaction panel on hand-made answers: the figures with their intervals, the
filters, the weakest dimension, themes, open and overdue actions, and the lists behind the links.

The module commits its data set into a database of its own (the panel reads every answer and action).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api_helpers import page_login
from claimops.config import Settings
from claimops.db import unit_of_work
from claimops.reporting.kpis import Filters
from claimops.reporting.panels import Panel
from claimops.reporting.periods import parse_period
from claimops.surveys.models import ImprovementAction, SurveyInvitation, SurveyResponse
from claimops.surveys.panel import satisfaction_panel
from databases import rolled_back
from factories import Walk, at, make_policy

Q2 = parse_period("2026-Q2")


@pytest.fixture(scope="module")
def dataset(own_engine: Engine, settings: Settings) -> dict[str, str]:
    """Claims A, B (auto, 华东) and C, D (health, 华南), invited in April; A, B, C answered, D not; an
    imported review without a claim in May; an answer in March outside the quarter; three actions."""
    numbers: dict[str, str] = {}
    with unit_of_work(own_engine) as s:
        answers = {
            "A": (5, 4, 5, 5, 10, "处理很专业，态度热情"),
            "B": (2, 1, 3, 4, 3, "理赔太慢了，等了很久，电话 13812345678"),
            "C": (4, 3, 2, 5, 8, "沟通不顺畅，电话没人接"),
            "D": None,
        }
        for i, (name, scores) in enumerate(answers.items()):
            line, region = ("auto", "华东") if name in "AB" else ("health", "华南")
            policy = make_policy(s, line=line, effective_from="2025-01-01", effective_to="2026-12-31")
            walk = Walk(s, settings, policy, at(2026, 3, 2), "8000")
            walk.claim.region = region
            numbers[name] = walk.number
            inv = SurveyInvitation(
                claim_id=walk.claim.id,
                customer_id=walk.claim.customer_id,
                trigger="paid",
                channel="online",
                nonce=f"panel{i}",
                sent_at=at(2026, 4, 1 + i),
                expires_at=at(2026, 5, 1 + i),
            )
            s.add(inv)
            s.flush()
            if scores is not None:
                overall, timeliness, communication, professionalism, nps, comment = scores
                inv.responded_at = at(2026, 4, 10 + i)
                s.add(
                    SurveyResponse(
                        invitation_id=inv.id,
                        claim_id=walk.claim.id,
                        channel="online",
                        overall=overall,
                        timeliness=timeliness,
                        communication=communication,
                        professionalism=professionalism,
                        nps=nps,
                        comment=comment,
                        responded_at=at(2026, 4, 10 + i),
                    )
                )
        s.add(SurveyResponse(channel="review", overall=1, nps=0, comment="太慢", responded_at=at(2026, 5, 3)))
        s.add(SurveyResponse(channel="review", overall=5, nps=10, comment="", responded_at=at(2026, 3, 3)))
        for problem, status, due in [
            ("审核太慢", "open", date(2020, 1, 31)),  # overdue
            ("回电不及时", "in_progress", date(2999, 12, 31)),
            ("材料清单不清楚", "done", date(2020, 1, 31)),  # done: neither open nor overdue
        ]:
            s.add(
                ImprovementAction(
                    problem=problem,
                    source="survey_theme",
                    metric="timeliness",
                    owner="审核组",
                    due_date=due,
                    started_on=date(2020, 1, 1),
                    status=status,
                    created_at=at(2026, 1, 1),
                )
            )
    return numbers


@pytest.fixture
def session(own_engine: Engine, dataset: dict[str, str]) -> Iterator[Session]:
    with rolled_back(own_engine) as sess:
        yield sess


def figures(panel: Panel) -> dict[str, str]:
    return {f.label: f.value for f in panel.figures}


def test_the_quarter_unfiltered(session: Session) -> None:
    panel = satisfaction_panel(session, Q2, Filters(), "en")
    assert panel is not None and panel.key == "satisfaction"
    # overall 5, 2, 4, 1: mean 3, s = √(10/3), t(0.975, 3) = 3.1824 → 3 ± 2.905 (the March answer is out)
    # timeliness 4, 1, 3; communication 5, 3, 2; professionalism 5, 4, 5 (the review has none)
    # NPS 10, 3, 8, 0: 1 promoter, 2 detractors of 4 → −25; CSAT 2 of 4 (Wilson 15.0–85.0)
    # response rate: 3 answers to 4 invitations (the imported review is not an invitation's answer)
    assert figures(panel) == {
        "Overall satisfaction [0.09–5.91] · n=4": "3.00",
        "CSAT [15.0%–85.0%] · n=4": "50.0%",
        "Timeliness [-1.13–6.46] · n=3": "2.67",
        "Communication [-0.46–7.13] · n=3": "3.33",
        "Professionalism [3.23–6.10] · n=3": "4.67",
        "NPS [-100–+56] · n=4": "-25",
        "Response rate · 3/4": "75.0%",
        "Weakest dimension": "Timeliness 2.67",
        "Open improvement actions": "2",
        "Overdue actions": "1",
    }
    overdue = next(f for f in panel.figures if f.label == "Overdue actions")
    assert overdue.flag == "warn"
    assert [r.cells for r in panel.rows][:1] == [("timeliness", "2 (50%)", "1.50", "—")]
    assert {r.cells[0] for r in panel.rows} == {"timeliness", "communication", "attitude"}
    assert (
        panel.note is not None and "95% confidence intervals" in panel.note and "Small sample" in panel.note
    )
    zh = satisfaction_panel(session, Q2, Filters(), "zh")
    assert zh is not None and zh.title == "客户满意度" and "最弱维度" in figures(zh)


def test_the_dashboard_filters_narrow_to_the_claims(session: Session) -> None:
    panel = satisfaction_panel(session, Q2, Filters(line="health"), "en")
    assert panel is not None
    got = figures(panel)
    # only C answered among the health claims C and D; the review has no claim, so it is left out
    assert got["Overall satisfaction · n=1"] == "4.00"  # one answer: no interval
    assert got["Response rate · 1/2"] == "50.0%"
    assert got["Weakest dimension"] == "Communication 2.00"
    assert panel.note is not None and "left out" in panel.note
    east = figures(satisfaction_panel(session, Q2, Filters(region="华东"), "en") or panel)
    assert {k.split(" [")[0]: v for k, v in east.items()}["NPS"] == "+0"  # 1 promoter, 1 detractor
    assert "3.50" in east.values()  # A's 5 and B's 2
    assert all("line=health" in f.href for f in panel.figures if f.href and "responses" in f.href)


def test_no_answers_and_no_actions_no_panel(own_engine: Engine, dataset: dict[str, str]) -> None:
    with rolled_back(own_engine) as s:
        s.query(ImprovementAction).delete()
        assert satisfaction_panel(s, parse_period("2025-Q1"), Filters(), "en") is None


@pytest.fixture(scope="module")
def manager(own_engine: Engine, settings: Settings, dataset: dict[str, str]) -> Iterator[TestClient]:
    from claimops.app import create_app

    with TestClient(create_app(settings, own_engine)) as c:
        assert page_login(c, "manager").status_code == 303
        yield c


def test_the_dashboard_shows_the_panel_and_every_link_leads_to_its_list(
    manager: TestClient, dataset: dict[str, str]
) -> None:
    page = manager.get("/dashboard?period=2026-Q2")
    assert page.status_code == 200
    assert 'id="panel-satisfaction"' in page.text and 'id="satisfaction-link"' not in page.text
    panel = page.text.split('id="panel-satisfaction"', 1)[1].split("</section>", 1)[0]
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', panel)]
    assert len(links) == 10 + 3 + 1  # each figure, each theme, the surveys page
    for link in links:
        r = manager.get(link)
        assert r.status_code == 200, link
    by = {parse_qs(urlsplit(u).query).get("sort", [""])[0]: u for u in links if "/surveys/responses" in u}
    timeliness = manager.get(by["timeliness"]).text
    # lowest timeliness first: B (1), C (3), A (4); the review has no timeliness score
    order = [timeliness.index(dataset[n]) for n in "BCA"]
    assert order == sorted(order) and "13812345678" not in timeliness
    speed = next(u for u in links if "theme=speed" in u)
    text = manager.get(speed).text
    assert dataset["B"] in text and dataset["C"] not in text and "共 2 份答卷" in text
    overdue = next(u for u in links if "actions=overdue" in u)
    text = manager.get(overdue).text
    assert "审核太慢" in text and "回电不及时" not in text and "材料清单不清楚" not in text


def test_the_responses_list_refuses_an_unknown_sort(manager: TestClient) -> None:
    r = manager.get("/surveys/responses?sort=colour")
    assert r.status_code == 422
