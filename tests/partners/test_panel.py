"""The partners panel on the dashboard, on hand-made data in a database of its own: dispute rate,
opened and resolved, open disputes by the stage they were in at the period's end (from the stage
history, not today's stage) and by age, resolution time, agreements active and expiring, overdue
action items as they were then; the dashboard's filters; every figure linked to its list."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.disputes import queries as dq
from claimops.disputes.schemas import DisputeIn, MoveIn
from claimops.disputes.service import move, open_dispute
from claimops.partners.models import ActionItem, Agreement, Insurer, Meeting, Provider
from claimops.partners.panel import partners_panel
from claimops.reporting.kpis import Filters
from claimops.reporting.panels import Panel
from claimops.reporting.periods import parse_period
from databases import rolled_back
from factories import Walk, make_policy, staff_actor

Q2, Q3 = parse_period("2026-Q2"), parse_period("2026-Q3")
LATER = date(2026, 12, 31)  # "today", long after both periods


def t(m: int, d: int) -> datetime:
    return datetime(2026, m, d, 2, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def session(own_engine: Engine) -> Iterator[Session]:
    with rolled_back(own_engine) as sess:
        yield sess


@dataclass
class Data:
    insurers: tuple[int, int]
    disputes: dict[str, int]


@pytest.fixture
def data(session: Session, settings: Settings) -> Data:
    span = {"effective_from": "2026-01-01", "effective_to": "2026-12-31"}
    walks = {}
    for key, line in (("A", "auto"), ("B", "auto"), ("C", "health")):
        w = Walk(session, settings, make_policy(session, line=line, **span), t(4, 1), "10000")
        walks[key] = w.do("accept", 1).do("start_review", 1).decide(1, "partial", "6000", ["AMOUNT_ADJUSTED"])
    actor = staff_actor(session, "partner")

    def open_(key: str, at: datetime, amount: str = "8000") -> int:
        cmd = DisputeIn(
            claim_number=walks[key].number, party="customer", reason="amount", disputed_amount=Decimal(amount)
        )
        return open_dispute(session=session, actor=actor, cmd=cmd, now=at).id

    def to(dispute: int, stage: str, at: datetime, settled: str | None = None) -> None:
        cmd = MoveIn(stage=stage, settled_amount=Decimal(settled) if settled else None)
        move(session=session, actor=actor, dispute_id=dispute, cmd=cmd, now=at, settings=settings)

    a = open_("A", t(4, 10))  # negotiation through Q2's end; mediation and resolution in Q3
    to(a, "negotiation", t(5, 1))
    to(a, "mediation", t(7, 15))
    b = open_("B", t(5, 20))  # resolved in Q2 after 21 days, at the decided total (no new decision)
    to(b, "resolved", t(6, 10), str(walks["B"].claim.approved_amount))
    c = open_("C", t(6, 1))  # a health claim, open at Q2's end
    to(a, "resolved", t(8, 1), str(walks["A"].claim.approved_amount))

    beijing = Provider(name="京甲公估", type="loss_assessor", region="北京", status="active")
    shanghai = Provider(name="沪乙公估", type="loss_assessor", region="上海", status="active")
    session.add_all([beijing, shanghai])
    session.flush()
    terms = (
        ("PNL-BJ", beijing, date(2026, 1, 1), date(2026, 7, 31)),  # in force at Q2's end, ends within 60 days
        ("PNL-SH", shanghai, date(2026, 1, 1), date(2026, 12, 31)),
        ("PNL-OLD", shanghai, date(2025, 1, 1), date(2025, 12, 31)),
    )
    session.add_all(Agreement(number=n, provider_id=p.id, start_on=s, end_on=e) for n, p, s, e in terms)
    one, two = Insurer(code="PNL-1", name="甲保险"), Insurer(code="PNL-2", name="乙保险")
    session.add_all([one, two])
    session.flush()
    m1 = Meeting(insurer_id=one.id, held_on=date(2026, 5, 1))
    m2 = Meeting(insurer_id=two.id, held_on=date(2026, 5, 2))
    session.add_all([m1, m2])
    session.flush()
    items = (
        (m1, "甲逾期", date(2026, 6, 1), None),  # still open
        (m2, "乙已完成", date(2026, 6, 15), date(2026, 6, 20)),  # done before the period's end
        (m2, "乙七月完成", date(2026, 6, 20), date(2026, 7, 5)),  # done only in July: overdue at Q2's end
    )
    session.add_all(
        ActionItem(
            meeting_id=m.id,
            title=title,
            owner="甲",
            due_on=due,
            status="done" if closed else "open",
            closed_on=closed,
        )
        for m, title, due, closed in items
    )
    session.flush()
    return Data((one.id, two.id), {"A": a, "B": b, "C": c})


def figures(panel: Panel | None) -> dict[str, tuple[str, str | None]]:
    assert panel is not None
    return {f.label: (f.value, f.href) for f in panel.figures}


def test_q2_figures_reconciled_by_hand(session: Session, data: Data) -> None:
    panel = partners_panel(session, Q2, Filters(), "zh", today=LATER)
    f = figures(panel)
    # three claims decided in Q2 (April), three disputes opened in Q2: 3 / 3 = 100.0%
    assert f["争议率"][0] == "100.0%" and f["新增争议"][0] == "3"
    # B resolved in Q2: 20 May 10:00 → 10 June 10:00 = 21 days
    assert f["已解决"][0] == "1" and f["平均解决时长（天）"][0] == "21.0"
    # open at 30 June: A (in negotiation then, though resolved today) and C
    assert f["期末在办争议"][0] == "2"
    # A's negotiation was due 31 May (1 May + 30), C's open stage 8 June (1 June + 7): both late on 30 June
    assert f["超期争议"][0] == "2"
    # PNL-BJ and PNL-SH in force on 30 June, PNL-BJ ends 31 July (within 60 days)
    assert f["有效协议"][0] == "2" and f["即将到期协议"][0] == "1"
    # 甲逾期 (open, due 1 June) and 乙七月完成 (done only on 5 July, due 20 June)
    assert f["逾期改进事项"][0] == "2"
    assert panel is not None
    rows = {r.cells[0]: (r.cells[1], r.href) for r in panel.rows}
    assert rows["协商"][0] == "1" and rows["已登记"][0] == "1"
    assert "调解" not in rows  # A reached mediation only in July
    # ages on 30 June: A opened 10 April (81 days), C on 1 June (29 days)
    assert rows["已持续 31-90 天"][0] == "1" and rows["已持续 0-30 天"][0] == "1"
    assert rows["协商"][1] == "/disputes?period=2026-Q2&list=open&stage=negotiation"


def test_the_stage_comes_from_the_history(session: Session, data: Data) -> None:
    open_q2 = {r.dispute_id: r.stage for r in dq.open_at(session, Q2, Q2.last_day)}
    assert open_q2 == {data.disputes["A"]: "negotiation", data.disputes["C"]: "open"}
    # in the middle of July A was already in mediation; on 31 July still (resolved on 1 August)
    mid_july = {r.dispute_id: r.stage for r in dq.open_at(session, Q3, date(2026, 7, 31))}
    assert mid_july[data.disputes["A"]] == "mediation"
    # at Q3's end A is resolved and only C is open (still in its first stage)
    end_q3 = {r.dispute_id: r.stage for r in dq.open_at(session, Q3, Q3.last_day)}
    assert end_q3 == {data.disputes["C"]: "open"}
    listed = dq.listed(session, period=Q2, which="open", today=Q2.last_day, stage="negotiation")
    assert [d.id for d, _ in listed] == [data.disputes["A"]]
    resolved = dq.listed(session, period=Q2, which="resolved", today=Q2.last_day)
    assert [d.id for d, _ in resolved] == [data.disputes["B"]]


def test_filters_narrow_the_panel(session: Session, data: Data) -> None:
    auto = figures(partners_panel(session, Q2, Filters(line="auto"), "zh", today=LATER))
    # the health claim C and its dispute drop out: 2 opened of 2 decided, only A open
    assert auto["新增争议"][0] == "2" and auto["争议率"][0] == "100.0%" and auto["期末在办争议"][0] == "1"
    assert auto["新增争议"][1] == "/disputes?period=2026-Q2&list=opened&line=auto"
    beijing = figures(partners_panel(session, Q2, Filters(region="北京"), "zh", today=LATER))
    assert beijing["有效协议"][0] == "1" and beijing["即将到期协议"][0] == "1"
    region = "region=%E5%8C%97%E4%BA%AC"
    assert beijing["有效协议"][1] == f"/partners/agreements?state=active&as_of=2026-06-30&{region}"
    one = figures(partners_panel(session, Q2, Filters(insurer_id=data.insurers[0]), "zh", today=LATER))
    assert one["逾期改进事项"][0] == "1"
    assert one["逾期改进事项"][1] == (
        f"/partners/action-items?as_of=2026-06-30&overdue=1&insurer_id={data.insurers[0]}"
    )


def test_english_and_the_lists_render(session: Session, data: Data) -> None:
    panel = partners_panel(session, Q2, Filters(), "en", today=LATER)
    assert panel is not None and panel.title == "Partners and disputes (as at 2026-06-30)"
    assert all(f.href for f in panel.figures)
    # a period still running is described as at today
    running = partners_panel(session, Q3, Filters(), "en", today=date(2026, 7, 20))
    assert running is not None and "2026-07-20" in running.title
