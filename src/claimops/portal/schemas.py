from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from claimops.schemas import MoneyOut


class PasswordSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class CodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim_number: str = Field(min_length=1, max_length=24)


class CodeSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim_number: str = Field(min_length=1, max_length=24)
    code: str = Field(min_length=1, max_length=12)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class PortalReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy_number: str = Field(min_length=1, max_length=40)
    incident_date: date
    description: str = Field(default="", max_length=4000)
    claimed_amount: str = Field(min_length=1, max_length=20)


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=2000)


class PolicyOut(BaseModel):
    policy_number: str
    line: str
    effective_from: date
    effective_to: date
    sum_insured: MoneyOut


class ClaimOut(BaseModel):
    claim_number: str
    line: str
    status: str
    status_label: str
    incident_date: date
    reported_at: datetime
    claimed_amount: MoneyOut
    approved_amount: MoneyOut | None
    paid_amount: MoneyOut


class StepOut(BaseModel):
    status: str
    label: str
    at: datetime


class ChecklistOut(BaseModel):
    doc_type: str
    label: str
    guidance: str
    required: bool
    received: bool


class PortalDocumentOut(BaseModel):
    id: int
    doc_type: str
    filename: str
    uploaded_at: datetime


class MessageOut(BaseModel):
    sender: str
    author: str
    body: str
    at: datetime


class ClaimDetailOut(BaseModel):
    claim: ClaimOut
    timeline: list[StepOut]
    checklist: list[ChecklistOut]
    documents: list[PortalDocumentOut]
    messages: list[MessageOut]
