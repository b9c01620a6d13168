"""Reading payments (no writes)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.payments.models import Payment


def payments_for(session: Session, claim_id: int) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.claim_id == claim_id).order_by(Payment.id)))
