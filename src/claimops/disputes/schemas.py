from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from claimops.schemas import MoneyIn, MoneyOut


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim_number: str = Field(min_length=1, max_length=24)
    party: str
    reason: str
    disputed_amount: MoneyIn
    note: str = Field(default="", max_length=2000)


class MoveIn(BaseModel):
    """The next stage; resolving names the outcome and the settled total."""

    model_config = ConfigDict(extra="forbid")
    stage: str
    note: str = Field(default="", max_length=2000)
    outcome: str = Field(default="", max_length=2000)
    settled_amount: MoneyIn | None = None


class StepOut(BaseModel):
    stage: str
    at: datetime
    due_on: date | None
    note: str


class DisputeOut(BaseModel):
    id: int
    claim_number: str
    party: str
    reason: str
    disputed_amount: MoneyOut
    decided_amount: MoneyOut
    stage: str
    stage_due_on: date | None
    overdue: bool
    opened_at: datetime
    closed_at: datetime | None
    outcome: str
    settled_amount: MoneyOut | None
    supplementary_decision_id: int | None
    steps: list[StepOut]
