from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from claimops.claims.lifecycle import Outcome
from claimops.documents.schemas import DocumentOut
from claimops.payments.methods import PaymentMethod, normalize_method
from claimops.payments.schemas import PaymentOut
from claimops.schemas import Day, InputError, Instant, MoneyIn, MoneyOut


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policy_number: str = Field(min_length=1, max_length=40)
    incident_date: Day
    description: str = Field(default="", max_length=4000)
    claimed_amount: MoneyIn
    # When the report came in, if not now (a report taken by phone and entered later). Not before the
    # policy's start, not in the future; more than report_max_age_days back only with a reason.
    reported_at: Instant | None = None
    late_report_reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    channel: str = Field(default="", max_length=32)

    @field_validator("claimed_amount")
    @classmethod
    def _positive(cls, v: Decimal) -> Decimal:
        if v <= 0:
            raise InputError("not_positive", "must be positive")
        return v


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    note: str = Field(default="", max_length=2000)
    reason_codes: list[str] = Field(default_factory=list)
    doc_types: list[str] = Field(default_factory=list)


class DecideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    assessed_loss: MoneyIn
    reason_codes: list[str] = Field(default_factory=list)
    payment_method: PaymentMethod | None = None
    note: str = Field(default="", max_length=2000)  # required when the assessed loss is above the claim
    # deciding while required documents are missing: explicit, with a reason (claims/approval.py)
    override_missing_documents: bool = False
    override_reason: str = Field(default="", max_length=2000)

    @field_validator("payment_method", mode="before")
    @classmethod
    def _method(cls, v: Any) -> Any:
        return None if v in (None, "") else normalize_method(v)


class EventOut(BaseModel):
    seq: int
    action: str
    from_status: str | None
    to_status: str
    actor: str
    at: datetime
    note: str
    data: dict[str, Any]


class ChecklistItemOut(BaseModel):
    doc_type: str
    label: str
    required: bool
    received: bool


class FindingOut(BaseModel):
    code: str
    severity: str
    message: str
    params: dict[str, Any]


class DecisionOut(BaseModel):
    outcome: str
    assessed_loss: MoneyOut
    approved_amount: MoneyOut  # the claim's approved total
    paid_before: MoneyOut  # what the claim had been paid when decided (after a reopening)
    payable: MoneyOut  # what this decision's payment releases
    recovery: MoneyOut  # paid beyond the new total, to recover
    reason_codes: list[str]
    payment_method: str | None
    decided_by: str | None
    decided_at: datetime
    requires_approval: bool
    approved_by: str | None
    approved_at: datetime | None


class TimingOut(BaseModel):
    acceptance_days: float | None
    investigation_days: float | None
    review_days: float | None
    payment_days: float | None
    handling_days: float | None


class ClaimSummaryOut(BaseModel):
    claim_number: str
    policy_number: str
    line: str
    status: str
    incident_date: date
    reported_at: datetime
    claimed_amount: MoneyOut
    approved_amount: MoneyOut | None
    paid_amount: MoneyOut
    claimant: str
    region: str
    channel: str
    risk_score: float | None


class ClaimOut(ClaimSummaryOut):
    description: str
    outcome: str | None
    allowed_actions: list[str]
    straight_through: bool
    reopen_count: int
    events: list[EventOut]
    checklist: list[ChecklistItemOut]
    missing_documents: list[str]
    findings: list[FindingOut]
    decision: DecisionOut | None
    payments: list[PaymentOut]
    documents: list[DocumentOut]
    timing: TimingOut


class ActionOut(BaseModel):
    """What a lifecycle action answers by default: what the step did, not the whole claim
    (`?view=full` or GET /claims/{claim_number} give the full view)."""

    claim_number: str
    status: str = Field(description="the claim's status after the step")
    outcome: str | None = Field(description="the current decision's outcome, if any")
    event: EventOut = Field(description="the last event the step wrote")
    new_events: list[EventOut] = Field(
        description="every event the step wrote, in order: one, or more where a step moves on by "
        "itself (decide and release; straight-through start_review, decide and release)"
    )
    allowed_actions: list[str] = Field(description="what may be done next")
    amounts: dict[str, MoneyOut | None] = Field(
        description="the amounts the step set, by name (decide: assessed_loss, approved_amount, payable, "
        "recovery; reopen: the same cleared; others: none)"
    )


class PaymentResultOut(PaymentOut):
    """The payment route's answer: the payment, and the claim's step it made (light, as ActionOut).
    A replay with the same Idempotency-Key answers the same body."""

    claim_status: str = Field(description="the claim's status after the payment")
    event: EventOut = Field(description="the claim's pay event")
    allowed_actions: list[str]
    amounts: dict[str, MoneyOut | None] = Field(
        description="amount, paid_amount and payable after the payment"
    )
    claim: ClaimOut | None = Field(default=None, description="the full claim view, with ?view=full only")


class ClaimPage(BaseModel):
    items: list[ClaimSummaryOut]
    total: int
    page: int
    page_size: int
