"""Shaping claims for output (API and pages): masked personal data, labels in the user's language."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from claimops.claims import checklist as checklists
from claimops.claims.lifecycle import Status, allowed_actions
from claimops.claims.models import Claim, ClaimFinding, Decision
from claimops.claims.schemas import (
    ChecklistItemOut,
    ClaimOut,
    ClaimSummaryOut,
    DecisionOut,
    EventOut,
    FindingOut,
    TimingOut,
)
from claimops.claims.service import timing_row
from claimops.documents.queries import documents_for
from claimops.documents.views import document_out
from claimops.i18n import t
from claimops.masking import mask_name, mask_text
from claimops.payments.queries import payments_for
from claimops.payments.views import payment_out
from claimops.users.models import User

DAY = 86400.0


def finding_message(code: str, params: dict[str, object], lang: str) -> str:
    shown = dict(params)
    if "missing" in shown and isinstance(shown["missing"], list):
        shown["missing"] = "、".join(t(f"doc.{d}", lang) for d in shown["missing"])
    if "reasons" in shown and isinstance(shown["reasons"], list):
        shown["reasons"] = "; ".join(
            t(r["key"], lang, **r.get("params", {})) if isinstance(r, dict) else str(r)
            for r in shown["reasons"]
        )
    return t(f"finding.{code}", lang, **shown)


def summary(claim: Claim) -> ClaimSummaryOut:
    return ClaimSummaryOut(
        claim_number=claim.claim_number,
        policy_number=claim.policy.policy_number,
        line=claim.line,
        status=claim.status,
        incident_date=claim.incident_date,
        reported_at=claim.reported_at,
        claimed_amount=claim.claimed_amount,
        approved_amount=claim.approved_amount,
        paid_amount=claim.paid_amount,
        claimant=mask_name(claim.policy.holder.name),
        region=claim.region,
        channel=claim.channel,
        risk_score=claim.risk_score,
    )


def _days(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / DAY, 2)


def _current_decision(session: Session, claim: Claim) -> tuple[Decision | None, str | None, str | None]:
    """The current decision with who decided and approved it. A claim has one exactly while it has an
    outcome (deciding sets both, reopening clears both), so an undecided claim costs no query."""
    if claim.outcome is None:
        return None, None, None
    decider, approver = aliased(User), aliased(User)
    row = session.execute(
        select(Decision, decider.username, approver.username)
        .outerjoin(decider, decider.id == Decision.decided_by)
        .outerjoin(approver, approver.id == Decision.approved_by)
        .where(Decision.claim_id == claim.id, Decision.current)
        .order_by(Decision.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, None, None
    decision, decided_by, approved_by = row
    return decision, decided_by if decision.decided_by is not None else "system", approved_by


def detail(session: Session, claim: Claim, lang: str = "zh") -> ClaimOut:
    docs = documents_for(session, claim.id)
    received = {d.doc_type for d in docs}
    findings = session.scalars(
        select(ClaimFinding).where(ClaimFinding.claim_id == claim.id).order_by(ClaimFinding.id)
    ).all()
    decision, decided_by, approved_by = _current_decision(session, claim)
    timing = timing_row(session, claim.id)
    # payments are written only by the pay transition
    paid = any(e.to_status == Status.PAID.value for e in claim.events)
    payments = payments_for(session, claim.id) if paid else []
    base = summary(claim).model_dump()
    return ClaimOut(
        **base,
        description=mask_text(claim.description),  # free text may carry a phone or an ID number
        outcome=claim.outcome,
        allowed_actions=[a.value for a in allowed_actions(Status(claim.status), payable=claim.payable > 0)],
        straight_through=claim.straight_through,
        reopen_count=claim.reopen_count,
        events=[
            EventOut(
                seq=e.seq,
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                actor=e.actor,
                at=e.at,
                note=mask_text(e.note) if e.note else e.note,
                data=e.data,
            )
            for e in claim.events
        ],
        checklist=[
            ChecklistItemOut(doc_type=i.doc_type, label=i.label, required=i.required, received=i.received)
            for i in checklists.checklist(claim.line, received, lang)
        ],
        missing_documents=checklists.missing(claim.line, received),
        findings=[
            FindingOut(
                code=f.code,
                severity=f.severity,
                message=finding_message(f.code, f.params, lang),
                params=f.params,
            )
            for f in findings
        ],
        decision=None
        if decision is None
        else DecisionOut(
            outcome=decision.outcome,
            assessed_loss=decision.assessed_loss,
            approved_amount=decision.approved_amount,
            paid_before=decision.paid_before,
            payable=decision.payable,
            recovery=decision.recovery,
            reason_codes=decision.reason_codes,
            payment_method=decision.payment_method,
            decided_by=decided_by,
            decided_at=decision.decided_at,
            requires_approval=decision.requires_approval,
            approved_by=approved_by,
            approved_at=decision.approved_at,
        ),
        payments=[payment_out(p, claim.claim_number) for p in payments],
        documents=[document_out(d) for d in docs],
        timing=TimingOut(
            acceptance_days=_days(timing.acceptance_s if timing else None),
            investigation_days=_days(timing.investigation_s if timing else None),
            review_days=_days(timing.review_s if timing else None),
            payment_days=_days(timing.payment_s if timing else None),
            handling_days=_days(timing.handling_s if timing else None),
        ),
    )
