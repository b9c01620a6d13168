"""The shapes the API, the pages and the CLI share."""

from __future__ import annotations

from sqlalchemy.orm import Session

from claimops.investigations import queries
from claimops.investigations.models import Investigation
from claimops.investigations.schemas import GroupOut, InvestigationOut, KpisOut, NoteOut


def investigation_out(session: Session, inv: Investigation, claim_number: str) -> InvestigationOut:
    return InvestigationOut(
        id=inv.id,
        claim_number=claim_number,
        trigger=inv.trigger,
        reason=inv.reason,
        risk_score=inv.risk_score,
        findings=list(inv.findings or []),
        investigator=inv.investigator_name,
        assessor_id=inv.assessor_id,
        status=inv.status,
        opened_at=inv.opened_at,
        closed_at=inv.closed_at,
        conclusion=inv.conclusion,
        reason_codes=list(inv.reason_codes or []),
        amount_saved=inv.amount_saved,
        summary=inv.summary,
        notes=[
            NoteOut(id=n.id, at=n.at, text=n.text, document_id=n.document_id)
            for n in queries.notes(session, inv.id)
        ],
    )


def group_out(g: queries.Group) -> GroupOut:
    return GroupOut(
        key=g.key,
        opened=g.opened,
        closed=g.closed,
        confirmed=g.confirmed,
        hit_rate=g.hit_rate,
        amount_saved=g.amount_saved,
    )


def kpis_out(k: queries.Kpis, period: str) -> KpisOut:
    return KpisOut(
        period=period,
        opened=k.total.opened,
        closed=k.total.closed,
        confirmed=k.total.confirmed,
        hit_rate=k.total.hit_rate,
        amount_saved=k.total.amount_saved,
        by_line=[group_out(g) for g in k.by_line],
        by_trigger=[group_out(g) for g in k.by_trigger],
    )
