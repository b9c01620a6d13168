"""Investigation records. The conclusion is the fraud label the risk models train on
(claimops.mining.data.loader reads it by table name, so mining does not import this package)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from claimops.db import Base, Money, UTCDateTime


class Investigation(Base):
    """One investigation of a claim: why it was opened, who looks into it, and how it ended."""

    __tablename__ = "investigations"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(16), index=True)  # score, rule, finding, referral, ...
    reason: Mapped[str] = mapped_column(Text, default="")
    risk_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    findings: Mapped[list[str]] = mapped_column(JSON, default=list)  # finding or rule codes that sent it
    investigator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    investigator_name: Mapped[str] = mapped_column(String(64), default="")
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(8), index=True)  # open, closed
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    conclusion: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    reason_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    amount_saved: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    summary: Mapped[str] = mapped_column(Text, default="")


class InvestigationNote(Base):
    """A note made during an investigation, optionally pointing at a document of the claim (evidence)."""

    __tablename__ = "investigation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)


def note_dict(note: InvestigationNote) -> dict[str, Any]:
    return {"id": note.id, "at": note.at, "text": note.text, "document_id": note.document_id}
