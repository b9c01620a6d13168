"""Output shapes of the portal (shared by the API and the pages)."""

from __future__ import annotations

from claimops.claims.models import Claim
from claimops.customers.models import ClaimMessage
from claimops.i18n import t
from claimops.policies.models import Policy
from claimops.portal.schemas import (
    ChecklistOut,
    ClaimDetailOut,
    ClaimOut,
    MessageOut,
    PolicyOut,
    PortalDocumentOut,
    StepOut,
)
from claimops.portal.service import ClaimView


def policy_out(p: Policy) -> PolicyOut:
    return PolicyOut(
        policy_number=p.policy_number,
        line=p.line,
        effective_from=p.effective_from,
        effective_to=p.effective_to,
        sum_insured=p.sum_insured,
    )


def claim_out(c: Claim, lang: str) -> ClaimOut:
    return ClaimOut(
        claim_number=c.claim_number,
        line=c.line,
        status=c.status,
        status_label=t(f"status.{c.status}", lang),
        incident_date=c.incident_date,
        reported_at=c.reported_at,
        claimed_amount=c.claimed_amount,
        approved_amount=c.approved_amount,
        paid_amount=c.paid_amount,
    )


def message_out(m: ClaimMessage) -> MessageOut:
    # staff are named by role, not by account name
    return MessageOut(sender=m.sender, author=m.sender, body=m.body, at=m.at)


def detail_out(view: ClaimView, lang: str) -> ClaimDetailOut:
    return ClaimDetailOut(
        claim=claim_out(view.claim, lang),
        timeline=[
            StepOut(status=e.to_status, label=t(f"status.{e.to_status}", lang), at=e.at)
            for e in view.timeline
        ],
        checklist=[
            ChecklistOut(
                doc_type=i.doc_type,
                label=i.label,
                guidance=t(f"portal.guide.{i.doc_type}", lang),
                required=i.required,
                received=i.received,
            )
            for i in view.checklist
        ],
        documents=[
            PortalDocumentOut(id=d.id, doc_type=d.doc_type, filename=d.filename, uploaded_at=d.uploaded_at)
            for d in view.documents
        ],
        messages=[message_out(m) for m in view.messages],
    )
