from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from claimops.schemas import MoneyIn
from claimops.team.training.schemas import Int


class DrillIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim_number: str = Field(min_length=1, description="a closed claim")
    title: str = Field(default="", max_length=100)
    target_minutes: Int = Field(default=30, gt=0, le=600)


class EmergencyDrillIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: Literal["typhoon", "multi_car"]
    claim_numbers: list[str] = Field(min_length=2, max_length=50, description="closed claims")
    title: str = Field(default="", max_length=100)
    target_minutes: Int = Field(default=30, gt=0, le=600)


class AttemptIn(BaseModel):
    """A case drill's decision, or an emergency drill's triage (case ids, most urgent first)."""

    model_config = ConfigDict(extra="forbid")
    outcome: Literal["approved", "partial", "denied"] | None = None
    amount: MoneyIn | None = None
    requested_documents: list[str] = Field(default_factory=list)
    red_flags: list[str] = Field(default_factory=list)
    triage: list[str] = Field(default_factory=list)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=2000)
