"""Workload and quality per person for a period (SQL, grouped per person; no per-claim loop)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import Session

from claimops.claims.lifecycle import OPEN_STATUSES, Action
from claimops.claims.models import Claim, ClaimEvent, ClaimTiming, Decision
from claimops.config import Settings
from claimops.disputes.models import Dispute
from claimops.surveys.models import SurveyResponse
from claimops.team.figures import STAGES, PersonFigures

DAY = 86400


def person_figures(
    session: Session,
    *,
    user_ids: Collection[int],
    start: datetime,
    end: datetime,
    settings: Settings,
) -> dict[int, PersonFigures]:
    """Each person's figures for [start, end): handled = claims whose handling completed in the
    period with the person as handler; decisions = decisions the person took in the period, with
    the claims they were on and whether those were disputed afterwards; survey answers given in the
    period on claims the person handles."""
    ids = list(user_ids)
    if not ids:
        return {}
    sla = {
        "acceptance": settings.sla_acceptance_days,
        "investigation": settings.sla_investigation_days,
        "review": settings.sla_review_days,
        "payment": settings.sla_payment_days,
    }
    cols = {s: getattr(ClaimTiming, f"{s}_s") for s in STAGES}
    handled = session.execute(
        select(
            Claim.handler_id,
            func.count(),
            func.count(case((Claim.reopen_count > 0, 1))),
            *[func.coalesce(func.sum(cols[s]), 0) for s in STAGES],
            *[func.count(cols[s]) for s in STAGES],
            *[func.count(case((cols[s] <= sla[s] * DAY, 1))) for s in STAGES],
        )
        .join(ClaimTiming, ClaimTiming.claim_id == Claim.id)
        .where(Claim.handler_id.in_(ids), ClaimTiming.completed_at >= start, ClaimTiming.completed_at < end)
        .group_by(Claim.handler_id)
    ).all()
    open_rows = session.execute(
        select(Claim.handler_id, func.count())
        .where(Claim.handler_id.in_(ids), Claim.status.in_([s.value for s in OPEN_STATUSES]))
        .group_by(Claim.handler_id)
    ).all()
    disputed_after = exists().where(
        Dispute.claim_id == Decision.claim_id, Dispute.opened_at >= Decision.decided_at
    )
    decision_rows = session.execute(
        select(
            Decision.decided_by,
            func.count(),
            func.count(case((changed_later(), 1))),
            func.count(func.distinct(Decision.claim_id)),
            func.count(func.distinct(case((disputed_after, Decision.claim_id)))),
        )
        .where(Decision.decided_by.in_(ids), Decision.decided_at >= start, Decision.decided_at < end)
        .group_by(Decision.decided_by)
    ).all()
    survey_rows = session.execute(
        select(
            Claim.handler_id,
            func.count(),
            func.coalesce(func.sum(SurveyResponse.overall), 0),
            func.count(case((SurveyResponse.overall >= 4, 1))),
        )
        .join(Claim, Claim.id == SurveyResponse.claim_id)
        .where(
            Claim.handler_id.in_(ids), SurveyResponse.responded_at >= start, SurveyResponse.responded_at < end
        )
        .group_by(Claim.handler_id)
    ).all()
    parts: dict[int, dict[str, object]] = {i: {} for i in ids}
    n = len(STAGES)
    for row in handled:
        if row[0] is None:
            continue
        counts = {s: int(row[3 + n + i]) for i, s in enumerate(STAGES)}
        parts[row[0]].update(
            handled=int(row[1]),
            reopened=int(row[2]),
            stage_seconds={s: int(row[3 + i]) for i, s in enumerate(STAGES)},
            stage_counts=counts,
            sla_met=sum(int(row[3 + 2 * n + i]) for i in range(n)),
            sla_measured=sum(counts.values()),
        )
    for uid, count in open_rows:
        if uid is None:
            continue
        parts[uid]["open_claims"] = int(count)
    for uid, count, changed, claims, disputed in decision_rows:
        if uid is None:
            continue
        parts[uid].update(
            decisions=int(count),
            decisions_changed=int(changed),
            decided_claims=int(claims),
            disputed_claims=int(disputed),
        )
    for uid, count, total, satisfied in survey_rows:
        if uid is None:
            continue
        parts[uid].update(responses=int(count), satisfaction_sum=int(total), satisfied=int(satisfied))
    return {uid: PersonFigures(**p) for uid, p in parts.items()}  # type: ignore[arg-type]


def changed_later() -> ColumnElement[bool]:
    """A decision changed on review (replaced by a later decision), on reopening (its claim reopened
    after it) or on dispute (a dispute opened after it settled at an amount other than the decided
    one). Live, a reopening and a different settlement also retire the decision; imported histories
    may only carry the events, so each of the three is asked for."""
    reopened = exists().where(
        ClaimEvent.claim_id == Decision.claim_id,
        ClaimEvent.action == Action.REOPEN.value,
        ClaimEvent.at > Decision.decided_at,
    )
    settled_otherwise = exists().where(
        Dispute.claim_id == Decision.claim_id,
        Dispute.opened_at >= Decision.decided_at,
        Dispute.settled_amount.is_not(None),
        Dispute.settled_amount != Dispute.decided_amount,
    )
    return or_(Decision.current.is_(False), reopened, settled_otherwise)
