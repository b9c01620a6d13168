"""Workload and quality per person, reconciled to hand computations; team totals and changes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from claimops.claims.models import Decision
from claimops.config import Settings
from claimops.disputes.models import Dispute
from claimops.disputes.schemas import DisputeIn, MoveIn
from claimops.disputes.service import move, open_dispute
from claimops.reporting.periods import parse_period
from claimops.surveys.models import SurveyResponse
from claimops.team.figures import PersonFigures, changes, total
from claimops.team.queries import person_figures
from claimops.users.service import create_user
from factories import PASSWORD, Walk, at, make_policy, staff_actor

DAY = 86400


def test_person_figures_by_hand(session: Session, settings: Settings) -> None:
    h = create_user(session=session, username="figures-handler", password=PASSWORD, role="handler")
    policy = make_policy(session, effective_from="2025-01-01", effective_to="2026-12-31")
    # A: accepted after 1 day (SLA 1 day: met), review 2 days, paid 1 day after the decision
    Walk(session, settings, policy, at(2026, 3, 2), "8000").do("accept", 1, user=h.username).do(
        "start_review", 1, user=h.username
    ).decide(1, "approved", "8000").pay(1)
    # B: accepted after 2 days (missed), review 2 days, paid 12 days after the decision (SLA 10: missed)
    Walk(session, settings, policy, at(2026, 3, 10), "6000").do("accept", 2, user=h.username).do(
        "start_review", 1, user=h.username
    ).decide(1, "approved", "6000").pay(12)
    # C: accepted, still open
    Walk(session, settings, policy, at(2026, 3, 20), "3000").do("accept", 0.5, user=h.username)
    q1 = parse_period("2026-Q1")
    f = person_figures(session, user_ids=[h.id], start=q1.start_utc, end=q1.end_utc, settings=settings)[h.id]
    assert (f.handled, f.open_claims, f.reopened) == (2, 1, 0)
    assert f.avg_stage_days("acceptance") == 1.5  # (1 + 2) / 2
    assert f.avg_stage_days("review") == 2.0
    assert f.avg_stage_days("payment") == 6.5  # (1 + 12) / 2
    assert f.avg_stage_days("investigation") is None
    assert (f.sla_met, f.sla_measured) == (4, 6) and f.sla_compliance == 4 / 6
    assert f.reopen_rate == 0 and f.satisfaction is None and f.responses == 0
    previous = person_figures(
        session, user_ids=[h.id], start=q1.previous().start_utc, end=q1.start_utc, settings=settings
    )[h.id]
    assert previous.handled == 0 and previous.sla_compliance is None


def test_team_totals_and_change() -> None:
    a = PersonFigures(handled=3, sla_met=5, sla_measured=6, reopened=1, decisions=4, decisions_changed=1)
    b = PersonFigures(
        handled=1,
        sla_met=1,
        sla_measured=2,
        decisions=6,
        stage_seconds={"review": DAY},
        stage_counts={"review": 1},
    )
    team = total([a, b])
    assert (team.handled, team.sla_compliance, team.reopen_rate) == (4, 6 / 8, 1 / 4)
    assert team.decision_quality == 9 / 10 and team.avg_stage_days("review") == 1.0
    assert team.dispute_rate is None and team.satisfaction is None  # no decided claims, no answers
    before = PersonFigures(handled=2, sla_met=1, sla_measured=2)
    ch = changes(team, before)
    assert ch["handled"] == 2 and ch["sla_compliance"] == 6 / 8 - 1 / 2 and ch["reopen_rate"] is not None
    both = total(
        [
            PersonFigures(decided_claims=4, disputed_claims=2, responses=2, satisfaction_sum=9, satisfied=2),
            PersonFigures(decided_claims=4, responses=1, satisfaction_sum=3),
        ]
    )
    assert both.dispute_rate == 2 / 8 and both.satisfaction == 12 / 3 and both.csat == 2 / 3


def _closed(w: Walk, handler: str, decider: str, amount: str) -> Walk:
    w.do("accept", 1, user=handler).do("start_review", 1, user=handler)
    return w.decide(1, "approved", amount, user=decider).pay(1).do("close", 1, user="finance")


def _dispute(session: Session, settings: Settings, w: Walk, then: MoveIn) -> None:
    """The customer disputes the claim a day later, and the dispute moves on (`then`) a day after."""
    manager = staff_actor(session, "manager")
    opened = open_dispute(
        session=session,
        actor=manager,
        cmd=DisputeIn(claim_number=w.number, party="customer", reason="amount", disputed_amount="6000"),
        now=w.after(1),
    )
    move(session=session, actor=manager, dispute_id=opened.id, cmd=then, now=w.after(1), settings=settings)


def _answer(session: Session, claim_id: int, overall: int, when: datetime) -> None:
    session.add(SurveyResponse(claim_id=claim_id, channel="phone", overall=overall, responded_at=when))


def test_dispute_rate_satisfaction_and_decision_quality_by_hand(session: Session, settings: Settings) -> None:
    h = create_user(session=session, username="quality-handler", password=PASSWORD, role="handler")
    d = create_user(
        session=session,
        username="quality-decider",
        password=PASSWORD,
        role="reviewer",
        authority_limit=Decimal("50000"),
    )
    manager = staff_actor(session, "manager")
    policy = make_policy(session, effective_from="2025-01-01", effective_to="2026-12-31")

    def claim(day: int) -> Walk:
        return Walk(session, settings, policy, at(2026, 2, day), "5000")

    a = _closed(claim(2), h.username, d.username, "5000")  # stands
    b = _closed(claim(3), h.username, d.username, "5000")  # reopened and decided again by another
    b.do("reopen", 1, user="reviewer").decide(1, "partial", "4000", ["AMOUNT_ADJUSTED"])
    c = _closed(claim(4), h.username, d.username, "5000")  # disputed, settled at another amount
    _dispute(session, settings, c, MoveIn(stage="resolved", settled_amount="5500", outcome="和解"))
    dd = _closed(claim(5), h.username, d.username, "5000")  # disputed, then the dispute withdrawn
    _dispute(session, settings, dd, MoveIn(stage="withdrawn", outcome="撤回"))
    # an imported history: a dispute settled at another amount, the decision still marked current
    e = _closed(claim(6), h.username, d.username, "5000")
    session.add(
        Dispute(
            claim_id=e.claim.id,
            party="customer",
            reason="amount",
            disputed_amount=Decimal("7000"),
            decided_amount=Decimal("5000"),
            stage="resolved",
            opened_at=e.after(1),
            closed_at=e.after(1),
            settled_amount=Decimal("6000"),
        )
    )
    # replaced on review: an imported history carries a later decision, this one no longer current
    f = _closed(claim(7), h.username, d.username, "5000")
    session.execute(update(Decision).where(Decision.claim_id == f.claim.id).values(current=False))
    # disputed before the decision (while under review): not a dispute of the decision
    g = claim(8).do("accept", 1, user=h.username).do("start_review", 1, user=h.username)
    open_dispute(
        session=session,
        actor=manager,
        cmd=DisputeIn(claim_number=g.number, party="customer", reason="timeliness", disputed_amount="5000"),
        now=g.after(1),
    )
    g.decide(1, "approved", "5000", user=d.username)
    # not in the period: a decision in Q2
    claim(9).do("accept", 1, user=h.username).do("start_review", 1, user=h.username).decide(
        60, "approved", "5000", user=d.username
    )
    other = _closed(claim(10), "handler", "reviewer", "5000")  # someone else's claim
    _answer(session, a.claim.id, 5, at(2026, 3, 1))
    _answer(session, b.claim.id, 2, at(2026, 3, 2))
    _answer(session, c.claim.id, 4, at(2026, 3, 3))
    _answer(session, a.claim.id, 1, at(2026, 4, 2))  # next period
    _answer(session, other.claim.id, 1, at(2026, 3, 3))  # not the person's claim
    session.flush()

    q1 = parse_period("2026-Q1")
    got = person_figures(
        session, user_ids=[h.id, d.id], start=q1.start_utc, end=q1.end_utc, settings=settings
    )
    fd, fh = got[d.id], got[h.id]
    # decided A-G: changed B (reopened), C (dispute, live), E (dispute, imported), F (replaced)
    assert (fd.decisions, fd.decisions_changed) == (7, 4) and fd.decision_quality == 3 / 7
    # disputed after the decision: C, D, E of the 7 claims decided (G's dispute came before)
    assert (fd.decided_claims, fd.disputed_claims) == (7, 3) and fd.dispute_rate == 3 / 7
    assert fd.responses == 0 and fd.satisfaction is None and fd.csat is None  # d handles no claim
    # answers in Q1 on the claims h handles: 5, 2, 4
    assert (fh.responses, fh.satisfaction_sum, fh.satisfied) == (3, 11, 2)
    assert fh.satisfaction == 11 / 3 and fh.csat == 2 / 3
    assert fh.decisions == 0 and fh.dispute_rate is None and fh.decision_quality is None
    q2 = parse_period("2026-Q2")
    later = person_figures(
        session, user_ids=[h.id, d.id], start=q2.start_utc, end=q2.end_utc, settings=settings
    )
    assert (later[h.id].responses, later[h.id].satisfaction) == (1, 1.0)
    assert later[d.id].decisions == 1 and later[d.id].dispute_rate == 0.0
