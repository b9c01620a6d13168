from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from claimops.schemas import MAX_ID, MoneyIn, MoneyOut


class StartIn(BaseModel):
    """Open an investigation: what sent the claim (trigger, reason, score or findings) and who looks."""

    model_config = ConfigDict(extra="forbid")
    claim_number: str = Field(min_length=1, max_length=24)
    trigger: str = "referral"
    reason: str = Field(default="", max_length=2000)
    risk_score: float | None = Field(default=None, ge=0, le=1)
    findings: list[str] = Field(default_factory=list, max_length=20)
    investigator: str | None = Field(default=None, max_length=64)  # a username; default: who opens it
    assessor_id: int | None = Field(default=None, ge=1, le=MAX_ID)  # a provider (loss assessor)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=4000)
    document_id: int | None = Field(default=None, ge=1, le=MAX_ID)  # evidence: a document of the claim


class FinishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conclusion: str
    reason_codes: list[str] = Field(default_factory=list, max_length=10)
    amount_saved: MoneyIn = Decimal("0.00")
    summary: str = Field(default="", max_length=4000)


class NoteOut(BaseModel):
    id: int
    at: datetime
    text: str
    document_id: int | None


class InvestigationOut(BaseModel):
    id: int
    claim_number: str
    trigger: str
    reason: str
    risk_score: float | None
    findings: list[str]
    investigator: str
    assessor_id: int | None
    status: str
    opened_at: datetime
    closed_at: datetime | None
    conclusion: str | None
    reason_codes: list[str]
    amount_saved: MoneyOut
    summary: str
    notes: list[NoteOut] = Field(default_factory=list)


class GroupOut(BaseModel):
    key: str
    opened: int
    closed: int
    confirmed: int
    hit_rate: float | None
    amount_saved: MoneyOut


class KpisOut(BaseModel):
    period: str
    opened: int
    closed: int
    confirmed: int
    hit_rate: float | None
    amount_saved: MoneyOut
    by_line: list[GroupOut]
    by_trigger: list[GroupOut]
