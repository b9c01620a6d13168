"""Investigation KPIs by hand on a database of their own: the dashboard panel and the deck's slide
(opened and closed in the period, hit rate, amount saved, by line and by trigger)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.investigations import queries
from claimops.investigations.deck import investigations_section
from claimops.investigations.panel import investigations_panel
from claimops.investigations.schemas import FinishIn, StartIn
from claimops.investigations.service import finish_investigation, start_investigation
from claimops.reporting.deck.model import KeyFigures, Table
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import parse_period
from databases import rolled_back
from factories import Walk, make_policy, staff_actor

Q2 = parse_period("2026-Q2")


@pytest.fixture
def session(own_engine: Engine) -> Iterator[Session]:
    with rolled_back(own_engine) as sess:
        yield sess


def claim(session: Session, line: str) -> str:
    policy = make_policy(session, line=line, effective_from="2026-01-01", effective_to="2026-12-31")
    return Walk(
        session, Settings(), policy, datetime(2026, 4, 2, 2, tzinfo=UTC), "9000.00"
    ).claim.claim_number


def test_kpis_panel_and_slide_by_hand(session: Session) -> None:
    assert investigations_panel(session, Q2, Filters(), "zh") is None
    assert investigations_section(session, Q2, "zh") is None
    actor = staff_actor(session, "reviewer")
    april, may, july = (datetime(2026, m, 10, 3, tzinfo=UTC) for m in (4, 5, 7))
    opened = []
    for line, trigger in (("auto", "score"), ("auto", "rule"), ("health", "score"), ("health", "referral")):
        cmd = StartIn(claim_number=claim(session, line), trigger=trigger)
        opened.append(start_investigation(session=session, actor=actor, cmd=cmd, now=april))
    done = [
        ("fraud_confirmed", ["STAGED_INCIDENT"], "2000.00", may),
        ("not_confirmed", ["DOCUMENTS_VERIFIED"], "0", may),
        ("fraud_confirmed", ["FALSE_DOCUMENTS"], "500.00", may),
        ("inconclusive", ["NO_EVIDENCE"], "0", july),  # closed after the quarter: open within it
    ]
    for inv, (conclusion, codes, saved, at) in zip(opened, done, strict=True):
        cmd = FinishIn(conclusion=conclusion, reason_codes=codes, amount_saved=Decimal(saved))
        finish_investigation(session=session, actor=actor, investigation_id=inv.id, cmd=cmd, now=at)
    k = queries.kpis(session, Q2)
    assert (k.total.opened, k.total.closed, k.total.confirmed) == (4, 3, 2)
    assert k.total.hit_rate == pytest.approx(2 / 3) and k.total.amount_saved == Decimal("2500.00")
    by_line = {g.key: (g.opened, g.closed, g.confirmed, g.amount_saved) for g in k.by_line}
    assert by_line == {
        "auto": (2, 2, 1, Decimal("2000.00")),
        "health": (2, 1, 1, Decimal("500.00")),
    }
    by_trigger = {g.key: (g.opened, g.closed, g.confirmed) for g in k.by_trigger}
    assert by_trigger == {"score": (2, 2, 2), "rule": (1, 1, 0), "referral": (1, 0, 0)}
    assert queries.kpis(session, Q2, Filters(line="health")).total.opened == 2

    panel = investigations_panel(session, Q2, Filters(), "zh")
    assert panel is not None and panel.key == "investigations"
    assert [f.value for f in panel.figures] == ["4", "3", "66.7%", "¥2,500.00"]
    assert ("车险", "2", "2", "50.0%", "¥2,000.00") in [r.cells for r in panel.rows]
    en = investigations_panel(session, Q2, Filters(), "en")
    assert en is not None and en.title == "Investigations"

    section = investigations_section(session, Q2, "zh")
    assert section is not None and section.key == "mining"
    blocks = section.slides[0].blocks
    figures = next(b for b in blocks if isinstance(b, KeyFigures))
    assert [f.value for f in figures.items] == ["4", "3", "66.7%", "0.25"]  # 万元
    table = next(b for b in blocks if isinstance(b, Table))
    assert ["风险评分", "2", "2", "100.0%", "0.25"] in table.rows
