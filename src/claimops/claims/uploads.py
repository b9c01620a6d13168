"""Receiving a claim's document: checked against the claim's checklist, stored by content, and the
review run again. A claims use case (the documents package holds the table, the store and the shape)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from claimops.claims import checklist as checklists
from claimops.claims.lifecycle import TERMINAL, Status
from claimops.claims.scoring import RiskScorer
from claimops.claims.service import get_claim, run_review
from claimops.clock import as_utc
from claimops.config import Settings
from claimops.documents import storage
from claimops.documents.models import Document
from claimops.errors import Conflict, PayloadTooLarge, ValidationFailed
from claimops.users.actor import Actor


def upload_document(
    *,
    session: Session,
    actor: Actor,
    claim_number: str,
    doc_type: str,
    filename: str,
    data: bytes,
    now: datetime,
    settings: Settings,
    risk_scorer: RiskScorer,
) -> Document:
    actor.require("document.upload")
    claim = get_claim(session=session, claim_number=claim_number)
    if Status(claim.status) in TERMINAL:
        raise Conflict(f"claim {claim_number} is {claim.status}; no more documents", code="CLAIM_CLOSED")
    required, optional = checklists.doc_types(claim.line)
    if doc_type not in (*required, *optional):
        raise ValidationFailed(
            f"unknown document type {doc_type!r} for {claim.line}; "
            f"one of {', '.join([*required, *optional])}",
            code="UNKNOWN_DOC_TYPE",
        )
    if not data:
        raise ValidationFailed("the file is empty", code="EMPTY_FILE")
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(
            f"the file is {len(data)} bytes; the limit is {settings.max_upload_bytes}", code="FILE_TOO_LARGE"
        )
    name = storage.clean_filename(filename)
    content_type = storage.classify(name, data)
    digest, _ = storage.store(data, settings.data_dir)
    doc = Document(
        claim_id=claim.id,
        doc_type=doc_type,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        uploaded_by=actor.id,
        uploaded_at=as_utc(now),
    )
    session.add(doc)
    session.flush()
    run_review(session=session, claim=claim, settings=settings, risk_scorer=risk_scorer)
    return doc
