"""Investigation services: open, add notes and evidence, finish with a conclusion. Every refusal comes
before any write, so a refused request writes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim
from claimops.claims.service import get_claim
from claimops.clock import as_utc
from claimops.documents.models import Document
from claimops.errors import Conflict, NotFound, ValidationFailed
from claimops.investigations import rules
from claimops.investigations.models import Investigation, InvestigationNote
from claimops.investigations.schemas import FinishIn, NoteIn, StartIn
from claimops.partners.models import Provider
from claimops.users.actor import Actor
from claimops.users.models import User


def get_investigation(*, session: Session, investigation_id: int, for_update: bool = False) -> Investigation:
    stmt = select(Investigation).where(Investigation.id == investigation_id)
    found = session.scalar(stmt.with_for_update() if for_update else stmt)
    if found is None:
        raise NotFound(f"investigation {investigation_id} not found", code="INVESTIGATION_NOT_FOUND")
    return found


def start_investigation(*, session: Session, actor: Actor, cmd: StartIn, now: datetime) -> Investigation:
    actor.require("claim.start_investigation")
    rules.check_trigger(cmd.trigger)
    claim = get_claim(session=session, claim_number=cmd.claim_number, for_update=True)
    if claim.status == "withdrawn":
        raise Conflict("a withdrawn claim cannot be investigated", code="CLAIM_WITHDRAWN")
    already = session.scalar(
        select(Investigation.id).where(Investigation.claim_id == claim.id, Investigation.status == "open")
    )
    if already is not None:
        raise Conflict(
            f"claim {claim.claim_number} already has an open investigation (#{already})",
            code="INVESTIGATION_OPEN",
        )
    investigator_id, investigator_name = actor.id, actor.name
    if cmd.investigator:
        user = session.scalar(select(User).where(User.username == cmd.investigator))
        if user is None or not user.active:
            raise ValidationFailed(f"no active user named {cmd.investigator!r}", code="INVESTIGATOR_UNKNOWN")
        investigator_id, investigator_name = user.id, user.username
    if cmd.assessor_id is not None and session.get(Provider, cmd.assessor_id) is None:
        raise ValidationFailed(f"no provider {cmd.assessor_id}", code="PROVIDER_UNKNOWN")
    if cmd.trigger == "score" and cmd.risk_score is None:
        cmd = cmd.model_copy(update={"risk_score": claim.risk_score})
    inv = Investigation(
        claim_id=claim.id,
        trigger=cmd.trigger,
        reason=cmd.reason,
        risk_score=cmd.risk_score,
        findings=list(cmd.findings),
        investigator_id=investigator_id,
        investigator_name=investigator_name[:64],
        assessor_id=cmd.assessor_id,
        status="open",
        opened_at=as_utc(now),
        opened_by=actor.id,
        reason_codes=[],
        summary="",
    )
    session.add(inv)
    session.flush()
    return inv


def add_note(
    *, session: Session, actor: Actor, investigation_id: int, cmd: NoteIn, now: datetime
) -> InvestigationNote:
    actor.require("claim.start_investigation")
    inv = get_investigation(session=session, investigation_id=investigation_id, for_update=True)
    if inv.status != "open":
        raise Conflict("the investigation is finished; notes are closed", code="INVESTIGATION_CLOSED")
    if cmd.document_id is not None:
        owner = session.scalar(select(Document.claim_id).where(Document.id == cmd.document_id))
        if owner != inv.claim_id:
            raise ValidationFailed(
                f"document {cmd.document_id} is not a document of this claim", code="DOCUMENT_NOT_ON_CLAIM"
            )
    note = InvestigationNote(
        investigation_id=inv.id, at=as_utc(now), by=actor.id, text=cmd.text, document_id=cmd.document_id
    )
    session.add(note)
    session.flush()
    return note


def finish_investigation(
    *, session: Session, actor: Actor, investigation_id: int, cmd: FinishIn, now: datetime
) -> Investigation:
    actor.require("claim.finish_investigation")
    inv = get_investigation(session=session, investigation_id=investigation_id, for_update=True)
    if inv.status != "open":
        raise Conflict("the investigation is already finished", code="INVESTIGATION_CLOSED")
    claimed = session.scalar(select(Claim.claimed_amount).where(Claim.id == inv.claim_id))
    assert claimed is not None
    codes = list(dict.fromkeys(cmd.reason_codes))
    rules.check_conclusion(cmd.conclusion, codes, cmd.amount_saved, claimed)
    inv.status = "closed"
    inv.closed_at = as_utc(now)
    inv.closed_by = actor.id
    inv.conclusion = cmd.conclusion
    inv.reason_codes = codes
    inv.amount_saved = cmd.amount_saved
    inv.summary = cmd.summary
    session.flush()
    return inv
