from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from claimops.schemas import MAX_ID, Day, InputError, Instant, MoneyIn, MoneyOut

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _not_a_number(value: object) -> object:
    # lax parsing would read a number as seconds since 1970
    if isinstance(value, int | float):
        raise InputError("datetime_parsing", "must be a date and time (ISO 8601)")
    return value


When = Annotated[Instant, BeforeValidator(_not_a_number)]


def _not_negative(v: int | None) -> int | None:
    if v is not None and v < 0:
        raise InputError("negative_standard", "a service standard must not be negative")
    return v


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    title: str = Field(default="", max_length=64)
    phone: str = Field(default="", max_length=32, pattern=r"^[0-9+\- ]*$")
    emergency_order: int | None = Field(default=None, ge=1, le=9)
    hours: str = Field(default="", max_length=32)


class InsurerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_-]+$")
    name: str = Field(min_length=1, max_length=100)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _chain(self) -> InsurerIn:
        orders = [c.emergency_order for c in self.contacts if c.emergency_order is not None]
        if len(orders) != len(set(orders)):
            raise InputError("chain_order_twice", "two contacts hold the same place in the emergency chain")
        return self


class EmergencyCallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contact_id: Id
    called_at: When
    reason: str = Field(default="", max_length=2000)


class ActionItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=500)
    owner: str = Field(min_length=1, max_length=64)
    due_on: Day


class MeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    held_on: Day
    attendees: str = Field(default="", max_length=2000)
    minutes: str = Field(default="", max_length=20000)
    actions: list[ActionItemIn] = Field(default_factory=list, max_length=50)


class ResponsibilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    step: str
    responsible: str = Field(min_length=1, max_length=64)
    approver: str = Field(default="", max_length=64)
    within_hours: int = Field(le=100_000)

    _hours = field_validator("within_hours")(_not_negative)


class ProviderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    type: str
    region: str = Field(default="", max_length=32)


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: str


class CriterionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider_type: str
    name: str = Field(min_length=1, max_length=64)
    weight: int = Field(ge=1, le=100)


class EvaluationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scores: dict[str, Annotated[int, Field(ge=0, le=100)]]
    decision: str = Field(pattern=r"^(select|reject)$")
    note: str = Field(default="", max_length=2000)


class FeeIn(BaseModel):
    """One line of a fee schedule as a form gives it (the API takes `fees` as a mapping)."""

    model_config = ConfigDict(extra="forbid")
    fee_item: str = Field(min_length=1, max_length=64)
    fee_amount: MoneyIn


class AgreementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z._-]+$")
    provider_id: Id
    scope: str = Field(default="", max_length=5000)
    on_site_hours: int | None = Field(default=None, le=100_000)
    report_days: int | None = Field(default=None, le=100_000)
    finish_days: int | None = Field(default=None, le=100_000)
    fees: dict[str, MoneyIn] = Field(default_factory=dict, max_length=40)
    start_on: Day
    end_on: Day

    _standards = field_validator("on_site_hours", "report_days", "finish_days")(_not_negative)

    @model_validator(mode="after")
    def _check(self) -> AgreementIn:
        if self.end_on < self.start_on:
            raise InputError("agreement_dates_reversed", "the agreement ends before it starts")
        return self


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim_number: str = Field(min_length=1, max_length=24)
    provider_id: Id
    kind: str
    assigned_at: When | None = None  # default: now


class VisitIn(BaseModel):
    """What the provider did: any of the times and its cost (given ones are recorded)."""

    model_config = ConfigDict(extra="forbid")
    arrived_at: When | None = None
    reported_at: When | None = None
    finished_at: When | None = None
    cost: MoneyIn | None = None


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(min_length=4, max_length=16)
    comments: str = Field(min_length=1, max_length=5000)


class ContactOut(BaseModel):
    id: int
    name: str
    title: str
    phone: str
    emergency_order: int | None
    hours: str


class InsurerOut(BaseModel):
    id: int
    code: str
    name: str
    contacts: list[ContactOut]


class ActionItemOut(BaseModel):
    id: int
    title: str
    owner: str
    due_on: date
    status: str
    overdue: bool


class MeetingOut(BaseModel):
    id: int
    insurer_id: int
    held_on: date
    attendees: str
    minutes: str
    actions: list[ActionItemOut]


class ResponsibilityOut(BaseModel):
    step: str
    responsible: str
    approver: str
    within_hours: int = Field(le=100_000)


class ProviderOut(BaseModel):
    id: int
    name: str
    type: str
    region: str
    status: str


class EvaluationOut(BaseModel):
    id: int
    provider_id: int
    scores: dict[str, Annotated[int, Field(ge=0, le=100)]]
    total: Decimal
    decision: str
    decided_by: int | None
    decided_at: datetime


class AgreementOut(BaseModel):
    id: int
    number: str
    provider_id: Id
    scope: str
    on_site_hours: int | None
    report_days: int | None
    finish_days: int | None
    fees: dict[str, MoneyOut]
    start_on: date
    end_on: date
    expiring: bool


class AssignmentOut(BaseModel):
    id: int
    claim_number: str
    provider_id: int
    agreement_id: int
    kind: str
    assigned_at: datetime
    arrived_at: datetime | None
    reported_at: datetime | None
    finished_at: datetime | None
    cost: MoneyOut | None


class FigureOut(BaseModel):
    key: str
    value: Decimal | None
    measured: int
    target: Decimal | None
    claims: list[str]
    flagged: list[str]


class ScorecardOut(BaseModel):
    provider: ProviderOut
    period: str
    figures: list[FigureOut]
    missing: list[str]
    points: Decimal | None
    grade: str | None
    below_standard: bool
    comments: list[str]
    actions: list[ActionItemOut]
