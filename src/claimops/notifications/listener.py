"""Turns claim events into outbox rows (registered with claims.hooks by the app)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.claims import checklist as checklists
from claimops.claims.models import Claim, ClaimEvent
from claimops.documents.models import Document
from claimops.i18n import t
from claimops.notifications.rules import DECISION_MADE, DOCUMENTS_MISSING, KIND_OF_ACTION
from claimops.notifications.service import contact, enqueue
from claimops.notifications.settings import NotifySettings


def on_claim_event(session: Session, claim: Claim, event: ClaimEvent) -> None:
    kind = KIND_OF_ACTION.get(event.action)
    if kind is None:
        return
    settings = NotifySettings()
    to = contact(session, claim.customer_id)
    lang = to.lang
    portal_url = f"{settings.portal_url}/claims/{claim.claim_number}"
    params: dict[str, object] = {"claim_number": claim.claim_number, "portal_url": portal_url}
    if kind == DOCUMENTS_MISSING:
        received = session.scalars(select(Document.doc_type).where(Document.claim_id == claim.id)).all()
        missing = checklists.missing(claim.line, received)
        params["missing"] = "、".join(t(f"doc.{d}", lang) for d in missing) or "-"
        params["missing_codes"] = ",".join(missing)
    if kind == DECISION_MADE:
        outcome = "rejected" if event.action == "reject" else str(event.data.get("outcome") or claim.outcome)
        params["outcome"] = t(f"notify.outcome.{outcome}", lang)
    if event.action == "pay":
        params["amount"] = str(event.data.get("amount") or claim.paid_amount)
    enqueue(
        session=session,
        kind=kind,
        customer_id=claim.customer_id,
        claim_id=claim.id,
        params=params,
        now=event.at,
        to=to,
    )
