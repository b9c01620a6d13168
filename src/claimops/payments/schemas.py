from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from claimops.payments.methods import PaymentMethod, normalize_method
from claimops.schemas import MoneyIn, MoneyOut


class PayeeIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    bank: str = Field(default="", max_length=100)
    account: str = Field(default="", max_length=40, pattern=r"^[0-9 \-]*$")


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: PaymentMethod
    payee: PayeeIn
    amount: MoneyIn | None = None  # optional check: must equal the approved amount

    @field_validator("method", mode="before")
    @classmethod
    def _method(cls, v: Any) -> Any:
        return normalize_method(v)

    @field_validator("payee", mode="before")
    @classmethod
    def _payee(cls, v: Any) -> Any:
        return {"name": v} if isinstance(v, str) else v


class PaymentOut(BaseModel):
    payment_id: int
    claim_number: str
    amount: MoneyOut
    method: str
    payee: dict[str, str]
    status: str
    idempotency_key: str
    paid_at: datetime
