"""A provider's customer satisfaction on its scorecard: CSAT over the survey responses on the claims
it was assigned to in the period, with the number of responses and the claims behind it; None only
where no response exists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.partners import queries
from claimops.partners.models import Agreement, Provider
from claimops.partners.schemas import AssignmentIn
from claimops.partners.service import assign
from claimops.reporting.periods import parse_period
from claimops.surveys.models import SurveyResponse
from factories import Walk, make_policy, staff_actor

Q2 = parse_period("2026-Q2")


def t(m: int, d: int) -> datetime:
    return datetime(2026, m, d, 2, tzinfo=UTC)


def test_satisfaction_from_the_responses_on_the_providers_claims(
    session: Session, settings: Settings
) -> None:
    span = {"effective_from": "2026-01-01", "effective_to": "2026-12-31"}
    policy = make_policy(session, **span)
    x, y, z = (Walk(session, settings, policy, t(4, 1), "5000") for _ in range(3))
    answered, silent = (
        Provider(name=f"满意度{n}", type="loss_assessor", region="北京", status="active") for n in "甲乙"
    )
    session.add_all([answered, silent])
    session.flush()
    for p in (answered, silent):
        session.add(
            Agreement(
                number=f"SAT-{p.id}", provider_id=p.id, start_on=date(2026, 1, 1), end_on=date(2026, 12, 31)
            )
        )
    session.flush()
    handler = staff_actor(session, "handler")

    def to(p: Provider, w: Walk, at: datetime) -> None:
        cmd = AssignmentIn(claim_number=w.number, provider_id=p.id, kind="investigation", assigned_at=at)
        assign(session=session, actor=handler, cmd=cmd, now=at)

    to(answered, x, t(4, 2))
    to(answered, x, t(4, 3))  # assigned twice to X: its responses still count once
    to(answered, y, t(4, 2))
    to(answered, z, t(7, 2))  # in Q3: not on the Q2 scorecard
    to(silent, y, t(4, 2))
    for w, overall, at in ((x, 5, t(5, 1)), (x, 2, t(7, 10)), (z, 5, t(7, 20))):
        session.add(SurveyResponse(claim_id=w.claim.id, channel="phone", overall=overall, responded_at=at))
    session.flush()

    card = queries.scorecard(session, answered, Q2).card
    f = card.figures["satisfaction"]
    # X's two answers (5, and 2 given in July: the survey follows the claim); Y none; Z not in Q2:
    # one of two answers is 4 or 5 → CSAT 0.5, from 2 responses, on claim X, flagged for the 2
    assert f.value == Decimal("0.5000") and f.measured == 2 and f.target == Decimal("0.8")
    assert f.claims == [x.number] and f.flagged == [x.number]
    assert "satisfaction" not in card.missing
    none = queries.scorecard(session, silent, Q2).card
    assert none.figures["satisfaction"].value is None and "satisfaction" in none.missing
    every = {c.provider.id: c.card for c in queries.scorecards(session, Q2)}
    assert every[answered.id].figures["satisfaction"] == f
    assert every[silent.id].figures["satisfaction"].value is None
