"""Reading documents (no writes)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.documents.models import Document


def documents_for(session: Session, claim_id: int) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.claim_id == claim_id).order_by(Document.id)))
