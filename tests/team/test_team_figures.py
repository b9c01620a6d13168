"""Workload and quality per person, reconciled to hand computations; team totals and changes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.reporting.periods import parse_period
from claimops.team.figures import PersonFigures, changes, total
from claimops.team.queries import person_figures
from claimops.users.service import create_user
from factories import PASSWORD, Walk, at, make_policy

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
    assert f.reopen_rate == 0 and f.dispute_rate is None and f.satisfaction is None
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
    assert team.disputes is None  # nobody reports disputes yet: still no data, not zero
    before = PersonFigures(handled=2, sla_met=1, sla_measured=2)
    ch = changes(team, before)
    assert ch["handled"] == 2 and ch["sla_compliance"] == 6 / 8 - 1 / 2 and ch["reopen_rate"] is not None
    assert total([PersonFigures(disputes=2, handled=4), PersonFigures(handled=4)]).dispute_rate == 2 / 8
