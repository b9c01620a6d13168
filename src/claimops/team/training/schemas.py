from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _no_bool(value: Any) -> Any:
    """JSON true/false is not a number (Pydantic would read it as 1/0)."""
    if isinstance(value, bool):
        raise ValueError("a whole number, not true/false")
    return value


def _no_number(value: Any) -> Any:
    """A date or time is written as ISO text (Pydantic would read a number as a Unix time)."""
    if isinstance(value, (int, float)):
        raise ValueError("an ISO date or date-time text")
    return value


Int = Annotated[int, BeforeValidator(_no_bool)]
When = Annotated[datetime, BeforeValidator(_no_number)]
Day = Annotated[date, BeforeValidator(_no_number)]

KINDS = ("basic", "professional", "practical")
Kind = Literal["basic", "professional", "practical"]


class CourseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=32)
    title: str = Field(min_length=1, max_length=100)
    kind: Kind
    topic: str = Field(default="", max_length=32)
    minutes: Int = Field(gt=0, le=24 * 60)


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    course: str = Field(min_length=1, description="course code")
    starts_at: When
    minutes: Int | None = Field(default=None, gt=0, le=24 * 60)
    trainer: str = Field(min_length=1, max_length=64)
    location: str = Field(default="", max_length=64)
    max_score: Int = Field(default=100, gt=0, le=1000)
    pass_mark: Int = Field(default=60, ge=0)


class EnrolIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    usernames: list[str] = Field(min_length=1)


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    attended: bool = Field(strict=True)
    score: Int | None = None


class CertificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    name: str = Field(min_length=1, max_length=100)
    issued_on: Day
    expires_on: Day


class OnboardingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    started_on: Day
    due_on: Day
    mentor: str | None = None
