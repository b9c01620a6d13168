"""Workload and quality per person for a period (SQL, grouped per person; no per-claim loop)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from claimops.claims.lifecycle import OPEN_STATUSES
from claimops.claims.models import Claim, ClaimTiming, Decision
from claimops.config import Settings
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
    period with the person as handler; decisions = decisions the person took in the period."""
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
    decision_rows = session.execute(
        select(Decision.decided_by, func.count(), func.count(case((Decision.current.is_(False), 1))))
        .where(Decision.decided_by.in_(ids), Decision.decided_at >= start, Decision.decided_at < end)
        .group_by(Decision.decided_by)
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
    for uid, count, changed in decision_rows:
        if uid is None:
            continue
        parts[uid].update(decisions=int(count), decisions_changed=int(changed))
    return {uid: PersonFigures(**p) for uid, p in parts.items()}  # type: ignore[arg-type]
