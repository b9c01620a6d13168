"""The demo's survey answers, assignments and disputes follow the claims (the seeding is array code;
these are its promises)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimTiming, Decision
from claimops.clock import as_utc, local_date
from claimops.demo.bulk import seed_database
from claimops.disputes.models import Dispute
from claimops.partners.models import Assignment, Provider
from claimops.surveys.models import ImprovementAction, SurveyInvitation, SurveyResponse

END = date(2026, 9, 30)


def test_demo_answers_follow_the_claims(empty_engine: Engine, tmp_path: Path) -> None:
    seed_database(empty_engine, claims=3000, seed=5, end=END, data_dir=tmp_path)
    _partners(empty_engine)
    with Session(empty_engine) as s:
        finished = s.scalar(
            select(func.count())
            .select_from(Claim)
            .join(ClaimTiming, ClaimTiming.claim_id == Claim.id)
            .where(Claim.status.in_(("paid", "closed", "rejected")), ClaimTiming.completed_at.is_not(None))
        )
        invitations = s.execute(
            select(SurveyInvitation.claim_id, SurveyInvitation.sent_at, SurveyInvitation.responded_at)
        ).all()
        rows = s.execute(
            select(
                SurveyResponse.overall,
                SurveyResponse.timeliness,
                SurveyResponse.responded_at,
                SurveyResponse.invitation_id,
                Claim.status,
                Claim.outcome,
                ClaimTiming.handling_s,
                ClaimTiming.completed_at,
            )
            .join(Claim, Claim.id == SurveyResponse.claim_id)
            .join(ClaimTiming, ClaimTiming.claim_id == Claim.id)
        ).all()
        reviews = s.scalar(select(func.count()).where(SurveyResponse.channel == "review"))
        action = s.scalars(select(ImprovementAction).where(ImprovementAction.metric == "timeliness")).one()
        answered = s.scalar(
            select(func.count())
            .select_from(SurveyInvitation)
            .join(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
            .where(SurveyInvitation.responded_at == SurveyResponse.responded_at)
        )
    # one invitation per finished claim, sent when it finished; every answer to its own invitation
    assert len(invitations) == finished and len({c for c, _, _ in invitations}) == finished
    assert answered == len(rows) and len({r.invitation_id for r in rows}) == len(rows)
    assert 0.3 < len(rows) / finished < 0.6 and reviews == 60
    assert all(r.responded_at > r.completed_at for r in rows)
    overall = np.array([r.overall for r in rows], dtype=float)
    handling = np.array([r.handling_s or 0 for r in rows], dtype=float)
    denied = np.array([r.status == "rejected" or r.outcome == "denied" for r in rows])
    slow = handling > np.quantile(handling, 0.8)
    fast = handling < np.quantile(handling, 0.5)
    assert overall[denied].mean() < overall[~denied].mean() - 0.5  # denied claims score lower
    assert overall[slow & ~denied].mean() < overall[fast & ~denied].mean()  # and slow ones
    # the timeliness action lifts timeliness after its start
    after = np.array([local_date(as_utc(r.completed_at)) >= action.started_on for r in rows])
    ordinary = ~denied & ~slow
    t = np.array([r.timeliness for r in rows], dtype=float)
    assert after[ordinary].sum() > 20
    assert t[after & ordinary].mean() > t[~after & ordinary].mean() + 0.3
    assert action.started_on + timedelta(days=120) >= max(local_date(as_utc(r.completed_at)) for r in rows)


def _partners(engine: Engine) -> None:
    with Session(engine) as s:
        assignments = s.execute(
            select(
                Assignment.claim_id,
                Assignment.provider_id,
                Provider.type,
                Assignment.assigned_at,
                Assignment.reported_at,
                Assignment.cost,
                Claim.reported_at,
            )
            .join(Provider, Provider.id == Assignment.provider_id)
            .join(Claim, Claim.id == Assignment.claim_id)
        ).all()
        with_provider = s.scalar(select(func.count()).where(Claim.provider_id.is_not(None)))
        disputes = s.execute(select(Dispute.claim_id, Dispute.opened_at, Dispute.decided_amount)).all()
        denials = s.execute(
            select(Decision.claim_id, Decision.decided_at).where(Decision.outcome.in_(("denied", "partial")))
        ).all()
    assert len(assignments) == min(with_provider or 0, 20_000)
    assert all(a.assigned_at > a[6] for a in assignments)
    # per provider: report days against its type's, and cost against its type's mean
    days: dict[int, list[float]] = {}
    cost: dict[int, list[float]] = {}
    by_type: dict[str, list[float]] = {}
    for a in assignments:
        days.setdefault(a.provider_id, []).append((a.reported_at - a.assigned_at).total_seconds() / 86400)
        cost.setdefault(a.provider_id, []).append(float(a.cost))
        by_type.setdefault(a.type, []).append(float(a.cost))
    type_of = {a.provider_id: a.type for a in assignments}
    standard = {"loss_assessor": 3, "repair_shop": 2, "hospital": 5}
    ratio = {p: np.mean(v) / standard[type_of[p]] for p, v in days.items() if len(v) >= 20}
    assert any(r > 1.1 for r in ratio.values()) and any(
        r < 0.8 for r in ratio.values()
    )  # slower than standard
    dear = {p: np.mean(v) / np.mean(by_type[type_of[p]]) for p, v in cost.items() if len(v) >= 20}
    assert any(r > 1.15 for r in dear.values()) and any(r < 0.95 for r in dear.values())  # dearer than peers
    # disputes come after a denial or a partial approval of the claim
    assert len(disputes) >= 10
    decided: dict[int, list[object]] = {}
    for claim_id, at in denials:
        decided.setdefault(claim_id, []).append(at)
    for claim_id, opened, _ in disputes:
        assert any(at < opened for at in decided.get(claim_id, [])), claim_id
