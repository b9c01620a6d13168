"""Section 05 from the partners data: filled in both languages, the no-data notice gone; judged at
the period's end, not by the clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.deck_sections import default_sections
from claimops.partners.deck import partners_section
from claimops.partners.models import ActionItem, Agreement, Assignment, Insurer, Meeting, Provider
from claimops.reporting.deck.assembly import build
from claimops.reporting.deck.model import Chart, Notice
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import parse_period
from databases import rolled_back
from factories import Walk, make_policy

Q = parse_period("2026-Q2")


@pytest.fixture
def session(own_engine: Engine) -> Iterator[Session]:
    """This module's own database: the deck reads every partner, survey and training record."""
    with rolled_back(own_engine) as sess:
        yield sess


def seed(session: Session, settings: Settings) -> None:
    ins = Insurer(code="DECK-INS", name="测试财险")
    prov = Provider(name="测试公估", type="loss_assessor", region="北京", status="active")
    session.add_all([ins, prov])
    session.flush()
    meeting = Meeting(insurer_id=ins.id, held_on=date(2026, 5, 10), attendees="甲,乙", minutes="纪要")
    session.add(meeting)
    session.flush()
    session.add_all(
        [
            ActionItem(
                meeting_id=meeting.id,
                title="简化材料清单",
                owner="王芳",
                due_on=date(2026, 6, 1),
                status="open",
            ),
            ActionItem(
                meeting_id=meeting.id,
                title="对账",
                owner="李强",
                due_on=date(2026, 5, 20),
                status="done",
                closed_on=date(2026, 5, 18),
            ),
        ]
    )
    ag = Agreement(
        number="DECK-AG",
        provider_id=prov.id,
        on_site_hours=4,
        report_days=3,
        start_on=date(2026, 1, 1),
        end_on=date(2026, 7, 31),
    )
    session.add(ag)
    session.flush()
    policy = make_policy(session, effective_from="2026-01-01", effective_to="2026-12-31")
    w = Walk(session, settings, policy, datetime(2026, 4, 10, 2, tzinfo=UTC), "8000")
    t0 = datetime(2026, 4, 10, 3, tzinfo=UTC)
    session.add(
        Assignment(
            claim_id=w.claim.id,
            provider_id=prov.id,
            agreement_id=ag.id,
            kind="investigation",
            assigned_at=t0,
            arrived_at=t0.replace(hour=9),
            cost=Decimal("900"),
        )
    )
    session.flush()


def test_section_05_in_both_languages(session: Session, settings: Settings) -> None:
    seed(session, settings)
    zh = partners_section(session, Q, "zh")
    assert zh is not None
    titles = [s.title for s in zh.slides]
    assert (
        titles[0] == "合作保险公司沟通与服务协议"
        and "第三方服务机构评估" in titles
        and "下一步改进计划" in titles
    )
    text = " ".join(
        b for s in zh.slides for blk in s.blocks if hasattr(blk, "items") for b in map(str, blk.items)
    )
    assert "定期会议" in text
    # the agreement ends 2026-07-31, within 60 days of the quarter's end (2026-06-30): expiring
    first = zh.slides[0].blocks[0]
    assert [f.value for f in first.items] == ["1", "1", "0", "1", "1"]  # type: ignore[union-attr]
    [chart] = [b for s in zh.slides for b in s.blocks if isinstance(b, Chart)]
    assert chart.categories == ["公估机构"]
    # one job, on site 6h after assignment against 4h: the provider is graded D/C, not A
    assert sum(v or 0 for se in chart.series for v in se.values) == 1
    en = partners_section(session, Q, "en")
    assert en is not None and en.slides[0].title == "Insurers: communication and agreements"
    deck = build(session, Q, settings, sections=default_sections(), lang="zh", today=date(2026, 7, 5))
    [sec] = [s for s in deck.sections if s.key == "partners"]
    assert not any(isinstance(b, Notice) for s in sec.slides for b in s.blocks)


def test_nothing_for_the_period_adds_nothing(session: Session) -> None:
    assert partners_section(session, parse_period("1999-Q1"), "zh") is None


def test_the_decks_filters_narrow_the_claims_figures(session: Session, settings: Settings) -> None:
    seed(session, settings)
    kept = partners_section(session, Q, "zh", Filters(line="auto"))
    assert kept is not None and "第三方服务机构评估" in [s.title for s in kept.slides]
    other = partners_section(session, Q, "zh", Filters(line="health"))
    # the meetings and agreements stay; the provider's work was on an auto claim: no scorecards
    assert other is not None and "第三方服务机构评估" not in [s.title for s in other.slides]
