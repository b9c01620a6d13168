"""What the team's API and pages take in."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from claimops.team.training.schemas import Day


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    lead: str = Field(min_length=1)


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1)
    joined_on: Day
